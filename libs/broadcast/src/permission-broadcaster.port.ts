import type { PermissionMessage } from './permission-contract';

/**
 * The PermissionBroadcaster port: where the relay hands the permission messages of one
 * ledger event. Also the Nest injection token for the configured adapter.
 *
 * Adapters translate vendor errors into BroadcastUnavailableError (kind `unavailable`), so
 * the relay can retry without knowing the transport.
 */
export abstract class PermissionBroadcaster {
  /**
   * Publishes the messages, in order per subject; resolves once every one is durable (or
   * accepted, for a transport without storage). Rejects with BroadcastUnavailableError when
   * it cannot: some messages may then have gone out, so callers retry the whole batch
   * (message ids make the repeat harmless).
   */
  abstract publish(messages: readonly PermissionMessage[]): Promise<void>;

  /** Releases the transport; a publish after close rejects. */
  abstract close(): Promise<void>;
}
