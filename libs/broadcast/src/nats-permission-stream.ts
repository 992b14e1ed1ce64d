import { WardenError } from '@warden/domain';
import {
  DiscardPolicy,
  NatsError,
  RetentionPolicy,
  StorageType,
  nanos,
  type JetStreamManager,
  type StreamConfig,
} from 'nats';
import { BroadcastUnavailableError } from './broadcast.errors';
import { PERMISSION_STREAM, PERMISSION_SUBJECTS_WILDCARD } from './permission-contract';

/** Default JetStream dedupe window: a republish of the same message id within it is stored once. */
export const DEFAULT_DUPLICATE_WINDOW_MS = 120_000;

/** JetStream API error code of "stream not found". */
const STREAM_NOT_FOUND = 10059;

/**
 * The permission stream: file storage, one message kept per subject (a subscriber that
 * starts with "last per subject" gets the current state), dedupe by message id.
 */
export function permissionStreamConfig(duplicateWindowMs: number, replicas: number): Partial<StreamConfig> {
  return {
    name: PERMISSION_STREAM,
    subjects: [PERMISSION_SUBJECTS_WILDCARD],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_msgs_per_subject: 1,
    duplicate_window: nanos(duplicateWindowMs),
    num_replicas: replicas,
  };
}

/**
 * Creates the permission stream, or brings an existing one to the wanted subjects, per-subject
 * limit and dedupe window (other settings an operator changed are kept). Safe to run
 * concurrently from several replicas: adding an identical stream is idempotent.
 */
export async function ensurePermissionStream(jsm: JetStreamManager, config: Partial<StreamConfig>): Promise<void> {
  let existing: StreamConfig;
  try {
    existing = (await jsm.streams.info(PERMISSION_STREAM)).config;
  } catch (error) {
    if (!(error instanceof NatsError) || error.api_error?.err_code !== STREAM_NOT_FOUND) throw error;
    await jsm.streams.add(config);
    return;
  }
  const drifted =
    existing.max_msgs_per_subject !== config.max_msgs_per_subject ||
    existing.duplicate_window !== config.duplicate_window ||
    existing.subjects.length !== 1 ||
    existing.subjects[0] !== PERMISSION_SUBJECTS_WILDCARD;
  if (drifted) {
    await jsm.streams.update(PERMISSION_STREAM, {
      ...existing,
      subjects: config.subjects,
      max_msgs_per_subject: config.max_msgs_per_subject,
      duplicate_window: config.duplicate_window,
    });
  }
}

/** The NATS error code of an error (`503` no responders, `TIMEOUT`, `CONNECTION_CLOSED`, ...). */
export function natsCodeOf(error: unknown): string | undefined {
  return error instanceof NatsError ? error.code : undefined;
}

/**
 * Maps anything a NATS call throws to the broadcast error family: our own errors pass
 * through, every NATS failure is BroadcastUnavailableError (the relay retries it).
 */
export function toBroadcastError(error: unknown, doing: string): WardenError {
  if (error instanceof WardenError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new BroadcastUnavailableError(`${doing}: ${message}`, error, natsCodeOf(error));
}
