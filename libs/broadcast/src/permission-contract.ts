/**
 * The wire contract of permission push. It is owned by the SDK (the published package needs
 * it with no dependency on this repository); the relay and the control plane use it from here.
 */
export {
  PERMISSION_STREAM,
  PERMISSION_SUBJECT_ROOT,
  PERMISSION_SUBJECTS_WILDCARD,
  HEARTBEAT_SUBJECT,
  RPC_VALIDATE_SUBJECT,
  RPC_REGISTER_SUBJECT,
  RPC_HEARTBEAT_SUBJECT,
  ACK_SUBJECT_ROOT,
  ACK_SUBJECTS_WILDCARD,
  ackSubject,
  subjectToken,
  deviceSubject,
  orgSubject,
  permissionMessageId,
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  SSE_PERMISSION_EVENT,
  SSE_HEARTBEAT_EVENT,
  type PermissionMessage,
  type HeartbeatMessage,
} from '@warden/sdk';
