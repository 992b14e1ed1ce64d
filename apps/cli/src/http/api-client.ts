import { z } from 'zod';
import type { ApiConfig } from './api-config';

/** The control plane answered 4xx: it understood the request and refused it (exit code 1). */
export class ApiRefusedError extends Error {
  override name = 'ApiRefusedError';
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The control plane could not be reached, timed out, or answered 5xx (exit code 3). */
export class ApiUnavailableError extends Error {
  override name = 'ApiUnavailableError';
}

const errorBodySchema = z.looseObject({ error: z.string(), message: z.string().optional() });
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * A small client of the control plane's public HTTP API for the operator commands: the org key
 * in the `x-org-key` header, JSON in and out, and every failure mapped to one of two errors.
 * Error messages name the URL and the API's error code, never the key.
 */
export class WardenApiClient {
  constructor(private readonly config: ApiConfig) {}

  get(path: string): Promise<Record<string, unknown>> {
    return this.request('GET', path);
  }

  post(path: string, body: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    return this.request('POST', path, body);
  }

  private async request(method: string, path: string, body?: Record<string, unknown>): Promise<Record<string, unknown>> {
    const url = `${this.config.baseUrl}/api/v1/${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { 'x-org-key': this.config.key, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new ApiUnavailableError(`the control plane at ${this.config.baseUrl} is unreachable: ${describeFetchError(error)}`);
    }
    const text = await response.text().catch(() => '');
    const json = parseJson(text);
    if (response.ok) {
      if (json === undefined || typeof json !== 'object' || json === null || Array.isArray(json)) {
        throw new ApiUnavailableError(`${method} ${path}: the control plane answered ${response.status} without a JSON object`);
      }
      return json as Record<string, unknown>;
    }
    const error = errorBodySchema.safeParse(json);
    const code = error.success ? error.data.error : `http_${response.status}`;
    const message = error.success ? (error.data.message ?? '') : response.statusText;
    if (response.status >= 500) throw new ApiUnavailableError(`${code}: ${message}`);
    throw new ApiRefusedError(response.status, code, message);
  }
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** fetch's "fetch failed" hides the reason in `cause` (ECONNREFUSED, ENOTFOUND, a timeout). */
function describeFetchError(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer in ${REQUEST_TIMEOUT_MS / 1000} s`;
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
