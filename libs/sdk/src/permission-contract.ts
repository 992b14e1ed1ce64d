/**
 * The wire contract of permission push, shared by the relay (publisher), the control
 * plane (SSE, NATS request/reply) and the SDK (subscriber). Subject names are built here
 * and nowhere else. It lives in the SDK, the published package, with no dependencies; the
 * control plane and the relay import it through `@warden/sdk` (re-exported by `@warden/broadcast`).
 *
 * Subjects (tokens are base64url, so any deviceId is NATS-safe):
 *   warden.perm.<org>.device.<device>   effective permission of one device (JetStream, last per subject)
 *   warden.perm.<org>.org               org-level state: suspended or not (JetStream, last per subject)
 *   warden.heartbeat                    control-plane liveness (core NATS)
 *   warden.rpc.validate / .register / .heartbeat   request/reply for runtimes that speak NATS
 *   warden.ack.<org>                    a runtime's ack of a permission change (publish, or request for an answer)
 */

/** JetStream stream holding the last permission message per subject. */
export const PERMISSION_STREAM = 'WARDEN_PERMISSIONS';
export const PERMISSION_SUBJECT_ROOT = 'warden.perm';
export const PERMISSION_SUBJECTS_WILDCARD = `${PERMISSION_SUBJECT_ROOT}.>`;
export const HEARTBEAT_SUBJECT = 'warden.heartbeat';
export const RPC_VALIDATE_SUBJECT = 'warden.rpc.validate';
export const RPC_REGISTER_SUBJECT = 'warden.rpc.register';
export const RPC_HEARTBEAT_SUBJECT = 'warden.rpc.heartbeat';
export const ACK_SUBJECT_ROOT = 'warden.ack';
/** What the control plane subscribes to: the acks of every org. */
export const ACK_SUBJECTS_WILDCARD = `${ACK_SUBJECT_ROOT}.*`;

/** Encodes an id as one NATS subject token: base64url of its UTF-8 bytes (no `.`, `*`, `>` or spaces). */
export function subjectToken(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

export function deviceSubject(orgId: string, deviceId: string): string {
  return `${PERMISSION_SUBJECT_ROOT}.${subjectToken(orgId)}.device.${subjectToken(deviceId)}`;
}

/** Where a runtime of the org publishes its acks; the control plane refuses an ack whose key is of another org. */
export function ackSubject(orgId: string): string {
  return `${ACK_SUBJECT_ROOT}.${subjectToken(orgId)}`;
}

export function orgSubject(orgId: string): string {
  return `${PERMISSION_SUBJECT_ROOT}.${subjectToken(orgId)}.org`;
}

/**
 * A permission message. For a device subject: the device's effective permission after the
 * event (the same verdict validate would give). For an org subject: `deviceId` is null and
 * `allowed` is false while the org is suspended (code ORG_SUSPENDED), true otherwise (ALLOW).
 * `position` (decimal string) orders messages of one subject; a subscriber ignores positions
 * it has already seen. `eventId` is the ledger event that caused it.
 */
export interface PermissionMessage {
  readonly orgId: string;
  readonly deviceId: string | null;
  readonly allowed: boolean;
  readonly code: string;
  readonly position: string;
  readonly eventId: string;
  readonly at: string;
}

/** JetStream message id for dedupe: the same event published twice (relay restart, two replicas) is stored once. */
export function permissionMessageId(message: PermissionMessage): string {
  return `${message.eventId}:${message.deviceId === null ? 'org' : subjectToken(message.deviceId)}`;
}

/** Heartbeat payload, published every HEARTBEAT_INTERVAL_MS by every control-plane node. */
export interface HeartbeatMessage {
  readonly nodeId: string;
  readonly at: string;
  /** Ledger position the node's relay has reached (decimal string). */
  readonly position: string;
}

export const DEFAULT_HEARTBEAT_INTERVAL_MS = 1000;

/** SSE event names of GET /api/v1/devices/watch: `permission` events carry a PermissionMessage, `heartbeat` a HeartbeatMessage. */
export const SSE_PERMISSION_EVENT = 'permission';
export const SSE_HEARTBEAT_EVENT = 'heartbeat';
