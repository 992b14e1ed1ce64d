import type { PermissionMessage } from '@warden/broadcast';

/**
 * Points where a test harness can step into a running control plane (fault injection),
 * passed through AppModuleOptions. Production passes none; each is a no-op when absent.
 * They replace an environment variable that could make a production process kill itself.
 */
export interface ControlPlaneHooks {
  /** Called by the NATS relay with the messages of one event, before it publishes them (e.g. to crash there). */
  readonly beforeNatsPublish?: (messages: readonly PermissionMessage[]) => void;
}
