import { WardenError } from '@warden/domain';
import { toHttpError } from '../http/error-body';
import { INVALID_JSON } from './raw-json.serdes';

/** A NATS request: the key travels in the payload (NATS has no header to keep it out of logs); the rest is the HTTP body. */
export interface RpcRequest {
  readonly key: unknown;
  readonly body: unknown;
}

/** The error reply of a NATS request: the HTTP error body with an added `httpStatus`. */
export interface RpcErrorReply {
  readonly status: 'error';
  readonly error: string;
  readonly httpStatus: number;
}

/**
 * Runs a NATS handler and answers its result, or the HTTP error body with `httpStatus` for
 * anything it throws (`onError` is told first): a handler never throws.
 */
export async function answerRpc(
  payload: unknown,
  handle: (request: RpcRequest) => Promise<unknown>,
  onError?: (reply: RpcErrorReply) => void,
): Promise<unknown> {
  try {
    if (payload === INVALID_JSON) throw new WardenError('invalid', 'invalid_json', 'the request is not valid JSON');
    return await handle(splitKey(payload));
  } catch (error) {
    const { httpStatus, body } = toHttpError(error);
    const reply = { ...body, httpStatus };
    onError?.(reply);
    return reply;
  }
}

/** Takes the `key` field out of a JSON object payload; anything else has no key (401 `missing_key`). */
function splitKey(payload: unknown): RpcRequest {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return { key: undefined, body: payload };
  const { key, ...body } = payload as Record<string, unknown>;
  return { key, body };
}
