import { WardenError } from '@warden/domain';

/**
 * Permission messages cannot be published right now (NATS down, no JetStream responder,
 * timeout, connection closed). Retryable: the relay keeps its checkpoint and tries again.
 */
export class BroadcastUnavailableError extends WardenError {
  constructor(
    message: string,
    override readonly cause?: unknown,
    /** The NATS error code behind it (`503`, `TIMEOUT`, `CONNECTION_CLOSED`, ...), when there is one. */
    readonly natsCode?: string,
  ) {
    super('unavailable', 'broadcast_unavailable', message, natsCode === undefined ? undefined : { natsCode });
  }
}

/** The relay checkpoint file exists but does not hold a checkpoint: reported, never silently reset. */
export class RelayCheckpointCorruptError extends WardenError {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super('corrupt', 'relay_checkpoint_corrupt', `relay checkpoint ${path} is corrupt: ${reason}`, { path });
  }
}

/** The relay checkpoint could not be read or written (permissions, disk full, ...). */
export class RelayCheckpointUnavailableError extends WardenError {
  constructor(
    readonly path: string,
    operation: 'load' | 'save',
    override readonly cause?: unknown,
  ) {
    super('unavailable', 'relay_checkpoint_unavailable', `cannot ${operation} relay checkpoint ${path}: ${describe(cause)}`, {
      path,
    });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
