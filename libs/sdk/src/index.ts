export { WardenClient, type PermissionAck, type WardenClientOptions } from './warden-client';
export { startLease, DEFAULT_MAX_STALENESS_MS, type LeaseOptions } from './start-lease';
export { Lease, type WatchTransport } from './lease';
export {
  WardenSdkError,
  ExecutionDenied,
  ControlPlaneStale,
  LeaseClosed,
  WardenApiError,
  WardenUnavailableError,
  WardenProtocolError,
  WardenConfigError,
  SdkDenialCode,
  type SdkErrorKind,
} from './sdk.errors';
export {
  DecisionCode,
  type DeviceLabels,
  type RegisterStatus,
  type RegisterResponse,
  type ValidateResponse,
  type HeartbeatResponse,
  type WardenResponse,
} from './warden-api.types';
export * from './permission-contract';
