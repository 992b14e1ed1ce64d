import type { HeartbeatMessage, PermissionMessage } from './permission-contract';

/** The fields of a PermissionMessage the SDK acts on; the rest of the payload is not needed to decide. */
export type PermissionUpdate = Pick<PermissionMessage, 'orgId' | 'deviceId' | 'allowed' | 'code' | 'position'>;

const DECIMAL = /^\d{1,40}$/;
/** One decoder for every payload: a burst (an org suspend reaching every lease of a process) allocates none per message. */
const UTF8 = new TextDecoder();

/** Parses JSON text (or UTF-8 bytes), or answers undefined: a malformed payload is ignored, never thrown. */
export function parseJsonPayload(payload: string | Uint8Array): unknown {
  try {
    const text = typeof payload === 'string' ? payload : UTF8.decode(payload);
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A permission message if `raw` carries every field needed to act on it (wire contract), else undefined. */
export function toPermissionUpdate(raw: unknown): PermissionUpdate | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const m = raw as Record<string, unknown>;
  if (typeof m.orgId !== 'string' || m.orgId === '') return undefined;
  if (m.deviceId !== null && (typeof m.deviceId !== 'string' || m.deviceId === '')) return undefined;
  if (typeof m.allowed !== 'boolean' || typeof m.code !== 'string') return undefined;
  if (typeof m.position !== 'string' || !DECIMAL.test(m.position)) return undefined;
  return { orgId: m.orgId, deviceId: m.deviceId, allowed: m.allowed, code: m.code, position: m.position };
}

/** True when `raw` is a control-plane heartbeat (wire contract). */
export function isHeartbeat(raw: unknown): raw is HeartbeatMessage {
  if (typeof raw !== 'object' || raw === null) return false;
  const m = raw as Record<string, unknown>;
  return typeof m.nodeId === 'string' && typeof m.at === 'string' && typeof m.position === 'string';
}

/** A ledger position (decimal string, may exceed 2^53) as a bigint, or undefined when it is not one. */
export function parsePosition(position: string | undefined): bigint | undefined {
  return position !== undefined && DECIMAL.test(position) ? BigInt(position) : undefined;
}
