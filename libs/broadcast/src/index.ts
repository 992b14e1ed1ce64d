export * from './permission-contract';
export * from './broadcast.errors';
export { PermissionChangeTracker } from './permission-change.tracker';
export { PermissionBroadcaster } from './permission-broadcaster.port';
export { NatsPermissionBroadcaster, type NatsPermissionBroadcasterOptions } from './nats-permission-broadcaster';
export { type NatsConnectionState } from './nats-connection-status';
export { DEFAULT_DUPLICATE_WINDOW_MS, permissionStreamConfig } from './nats-permission-stream';
export {
  InProcessPermissionBroadcaster,
  type InProcessPermissionBroadcasterOptions,
  type PermissionListener,
} from './in-process-permission-broadcaster';
export { FileRelayCheckpointStore, InMemoryRelayCheckpointStore, RelayCheckpointStore } from './relay-checkpoint';
export { PermissionRelay, type PermissionRelayOptions } from './permission-relay';
export { HeartbeatPublisher, type HeartbeatPublisherOptions, type HeartbeatSink } from './heartbeat-publisher';
