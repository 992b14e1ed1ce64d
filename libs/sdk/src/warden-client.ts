import { WardenApiError, WardenConfigError, WardenProtocolError, WardenUnavailableError } from './sdk.errors';
import type { Lease } from './lease';
import { startLease, type LeaseOptions } from './start-lease';
import type { DeviceLabels, HeartbeatResponse, RegisterResponse, ValidateResponse, WardenResponse } from './warden-api.types';

/** Options of a {@link WardenClient}. */
export interface WardenClientOptions {
  /** Control plane base URL, e.g. `http://127.0.0.1:8080` (without `/api/v1`). */
  readonly baseUrl: string;
  /** Org key (admin, `org_…`) or runtime key (`rt_…`), sent as `x-org-key`. */
  readonly orgKey: string;
  /** Per-request timeout; default 5000 ms. */
  readonly timeoutMs?: number;
  /** NATS server(s) a lease watches by default (comma-separated); unset means SSE. */
  readonly natsUrl?: string;
  /** A fetch implementation; default the global `fetch`. */
  readonly fetch?: typeof fetch;
}

const DEFAULT_BASE_URL = 'http://127.0.0.1:8080';
const DEFAULT_TIMEOUT_MS = 5000;

/**
 * The raw, MachineID-style HTTP calls, plus `start()` for a lease. Every call answers the
 * parsed JSON body. A refusal is an answer: `register` returns the body of a 403 refusal.
 * Error answers throw {@link WardenApiError}; no answer (network, timeout) throws
 * {@link WardenUnavailableError}.
 */
export class WardenClient {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly natsUrl: string | undefined;
  private readonly orgKey: string;
  private readonly fetchFn: typeof fetch;

  constructor(options: WardenClientOptions) {
    if (!options.orgKey) throw new WardenConfigError('missing_org_key', 'an org or runtime key is required');
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new WardenConfigError('invalid_timeout', `timeoutMs must be a positive number, got ${timeoutMs}`);
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.orgKey = options.orgKey;
    this.timeoutMs = timeoutMs;
    this.natsUrl = options.natsUrl || undefined;
    this.fetchFn = options.fetch ?? fetch;
  }

  /**
   * A client configured from the environment: `WARDEN_URL` (default http://127.0.0.1:8080),
   * `WARDEN_ORG_KEY` or `WARDEN_KEY` (required), `WARDEN_TIMEOUT_MS`, `NATS_URL`.
   */
  static fromEnv(env: Readonly<Record<string, string | undefined>> = process.env): WardenClient {
    const orgKey = env.WARDEN_ORG_KEY || env.WARDEN_KEY;
    if (!orgKey) throw new WardenConfigError('missing_org_key', 'WARDEN_ORG_KEY (or WARDEN_KEY) must be set');
    let timeoutMs: number | undefined;
    if (env.WARDEN_TIMEOUT_MS) {
      timeoutMs = Number(env.WARDEN_TIMEOUT_MS);
      if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
        throw new WardenConfigError('invalid_timeout', `WARDEN_TIMEOUT_MS must be a positive integer, got "${env.WARDEN_TIMEOUT_MS}"`);
      }
    }
    return new WardenClient({ baseUrl: env.WARDEN_URL || DEFAULT_BASE_URL, orgKey, timeoutMs, natsUrl: env.NATS_URL });
  }

  /** Registers a device (idempotent). Refusals (403 `limit_reached`, `revoked`, `suspended`) are returned, not thrown. */
  register(deviceId: string, labels?: DeviceLabels): Promise<RegisterResponse> {
    return this.request<RegisterResponse>('POST', 'devices/register', labels ? { deviceId, labels } : { deviceId }, true);
  }

  /** Asks for a decision. `allowed: false` is an answer (HTTP 200), not an error. */
  validate(deviceId: string): Promise<ValidateResponse> {
    return this.request<ValidateResponse>('POST', 'devices/validate', { deviceId });
  }

  /**
   * A sign of life: renews the device's lease (orgs with leases on) and answers its verdict. An
   * unknown, removed or expired device throws WardenApiError (403, `code` DEVICE_NOT_REGISTERED or LEASE_EXPIRED).
   */
  heartbeat(deviceId: string): Promise<HeartbeatResponse> {
    return this.request<HeartbeatResponse>('POST', 'devices/heartbeat', { deviceId });
  }

  /** Every device of the org (admin key). */
  list(): Promise<WardenResponse> {
    return this.request('GET', 'devices/list');
  }

  /** Revokes a device (admin key). */
  revoke(deviceId: string, reason?: string): Promise<WardenResponse> {
    return this.request('POST', 'devices/revoke', reason === undefined ? { deviceId } : { deviceId, reason });
  }

  /** Restores a revoked device (admin key). */
  unrevoke(deviceId: string): Promise<WardenResponse> {
    return this.request('POST', 'devices/unrevoke', { deviceId });
  }

  /** Forgets a device (admin key). */
  remove(deviceId: string): Promise<WardenResponse> {
    return this.request('POST', 'devices/remove', { deviceId });
  }

  /**
   * Acknowledges a permission change the runtime applied (`POST devices/ack`): proof of
   * propagation. `stoppedAt`: when the work was told to stop (a deny). A lease does it by itself.
   */
  acknowledge(ack: PermissionAck): Promise<WardenResponse> {
    return this.request('POST', 'devices/ack', ack);
  }

  /**
   * The payload of an ack over NATS (`warden.ack.<org token>`): the ack with this client's key,
   * which NATS has no header for. Low level: a lease watching over NATS sends it.
   */
  natsAckPayload(ack: PermissionAck): string {
    return JSON.stringify({ key: this.orgKey, ...ack });
  }

  /** Plan, limit and device counts of the org (admin key). */
  usage(): Promise<WardenResponse> {
    return this.request('GET', 'usage');
  }

  /**
   * Opens the SSE permission stream of a device (`GET devices/watch`) and returns the raw
   * response once its headers arrived (the timeout covers the headers only; the stream then
   * stays open until `signal` aborts). Low level: a lease uses it.
   */
  async watch(deviceId: string, signal: AbortSignal): Promise<Response> {
    const url = `${this.url('devices/watch')}?deviceId=${encodeURIComponent(deviceId)}`;
    const headers = { 'x-org-key': this.orgKey, accept: 'text/event-stream' };
    const connectTimeout = new AbortController();
    const timer = setTimeout(() => connectTimeout.abort(new DOMException('connect timeout', 'TimeoutError')), this.timeoutMs);
    let response: Response;
    try {
      response = await this.send(url, { method: 'GET', headers, signal: AbortSignal.any([signal, connectTimeout.signal]) });
    } finally {
      clearTimeout(timer);
    }
    if (response.ok) return response;
    const body = parseJson(await response.text().catch(() => ''));
    throw apiError(response, body);
  }

  /**
   * Registers, validates and starts watching the device's permission (startup enforcement:
   * any refusal, deny or failure throws, and no lease exists). See {@link startLease}.
   */
  start(options: LeaseOptions): Promise<Lease> {
    return startLease(this, options);
  }

  private url(path: string): string {
    return `${this.baseUrl}/api/v1/${path}`;
  }

  private async request<T extends object>(method: 'GET' | 'POST', path: string, body?: object, refusalIsAnswer = false): Promise<T> {
    const url = this.url(path);
    const headers: Record<string, string> = { 'x-org-key': this.orgKey, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const init: RequestInit = { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(this.timeoutMs) };
    const response = await this.send(url, init);
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw unavailable(url, this.timeoutMs, error);
    }
    const parsed = parseJson(text);
    const refusal = refusalIsAnswer && response.status === 403 && isObject(parsed) && parsed.status !== 'error';
    if (!response.ok && !refusal) throw apiError(response, parsed);
    if (!isObject(parsed)) throw new WardenProtocolError('invalid_response', `${method} ${url} answered ${response.status} without a JSON object`);
    return parsed as T;
  }

  private async send(url: string, init: RequestInit): Promise<Response> {
    try {
      return await this.fetchFn(url, init);
    } catch (error) {
      throw unavailable(url, this.timeoutMs, error);
    }
  }
}

function unavailable(url: string, timeoutMs: number, error: unknown): WardenUnavailableError {
  return new WardenUnavailableError(`control plane unavailable at ${url}: ${describeFailure(error, timeoutMs)}`, { cause: error });
}

/** The body of `POST devices/ack`. */
export interface PermissionAck {
  readonly deviceId: string;
  readonly position: string;
  readonly receivedAt: string;
  readonly stoppedAt?: string;
  readonly transport?: 'nats' | 'sse';
}

/** fetch fails with a TimeoutError (a DOMException, not always an `Error` across realms) or a TypeError whose cause names the socket error. */
function describeFailure(error: unknown, timeoutMs: number): string {
  const failure = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; message?: unknown; cause?: { code?: unknown } };
  if (failure.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const message = typeof failure.message === 'string' ? failure.message : String(error);
  return typeof failure.cause?.code === 'string' ? `${message} (${failure.cause.code})` : message;
}

function apiError(response: Response, body: unknown): WardenApiError {
  const code = isObject(body) && typeof body.error === 'string' ? body.error : `http_${response.status}`;
  const message = isObject(body) && typeof body.message === 'string' ? body.message : `HTTP ${response.status} ${response.statusText}`.trim();
  return new WardenApiError(response.status, code, message);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
