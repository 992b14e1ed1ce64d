import createClient, { type Middleware } from 'openapi-fetch';
import { readKey } from '../lib/session';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type DecisionCode = Schemas['DecisionCode_Output'];
export type PermissionMessage = Schemas['PermissionMessageDto_Output'];

/** Where each code is shown (ALLOW first): a Record, so a code the API adds fails the type check until it is placed. */
const CODE_ORDER: Record<DecisionCode, number> = {
  ALLOW: 0,
  DEVICE_NOT_REGISTERED: 1,
  DEVICE_REVOKED: 2,
  ORG_SUSPENDED: 3,
  DEVICE_LOCKED: 4,
  LIMIT_EXCEEDED: 5,
  LEASE_EXPIRED: 6,
  LEDGER_UNAVAILABLE: 7,
};

/** Every decision code, in the order the console shows them. */
export const DECISION_CODES: readonly DecisionCode[] = (Object.keys(CODE_ORDER) as DecisionCode[]).sort((a, b) => CODE_ORDER[a] - CODE_ORDER[b]);

/** An answer of the API that is not a success: its HTTP status, its stable `error` code and its message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Adds the org key of this session, as the `x-org-key` header (never in a URL), unless the call sets one itself. */
const orgKeyHeader: Middleware = {
  onRequest({ request }) {
    const key = readKey();
    if (key && !request.headers.has('x-org-key')) request.headers.set('x-org-key', key);
    return request;
  },
};

/** Called with every 401: the session's key no longer works (revoked, or another org's). */
let onUnauthorized: (() => void) | undefined;
export function setUnauthorizedHandler(handler: (() => void) | undefined): void {
  onUnauthorized = handler;
}

const unauthorized: Middleware = {
  onResponse({ request, response }) {
    // A sign-in attempt passes its own key: its 401 is that attempt's answer, not the session's.
    if (response.status === 401 && request.headers.get('x-org-key') === readKey()) onUnauthorized?.();
    return response;
  },
};

/** The typed client of the control plane's API (same origin), generated from its OpenAPI document. */
export const api = createClient<paths>({ baseUrl: '', cache: 'no-store' });
api.use(orgKeyHeader, unauthorized);

/** Resolves with an answer's body, or throws an ApiError carrying the API's error code and message. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok && data !== undefined) return data;
  const body = (error ?? {}) as { error?: unknown; message?: unknown };
  throw new ApiError(
    response.status,
    typeof body.error === 'string' ? body.error : `http_${response.status}`,
    typeof body.message === 'string' ? body.message : `the control plane answered ${response.status}`,
  );
}

/** A human sentence for anything a call threw. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  // fetch rejects with a TypeError when the request could not be made at all.
  if (error instanceof TypeError) return `The control plane could not be reached (${error.message}).`;
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}
