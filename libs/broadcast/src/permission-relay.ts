import { WardenError, type OrgState } from '@warden/domain';
import { ORG_STREAM_PREFIX, type EventLedger, type LedgerSubscription, type RecordedEvent } from '@warden/ledger';
import { CoalescingCheckpointWriter } from './coalescing-checkpoint-writer';
import type { PermissionMessage } from './permission-contract';
import type { PermissionBroadcaster } from './permission-broadcaster.port';
import { PermissionChangeTracker } from './permission-change.tracker';
import { PublishPipeline } from './publish-pipeline';
import type { RelayCheckpointStore } from './relay-checkpoint';

/** Options of {@link PermissionRelay}. */
export interface PermissionRelayOptions {
  readonly ledger: EventLedger;
  readonly broadcaster: PermissionBroadcaster;
  readonly checkpoints: RelayCheckpointStore;
  /** Backoff between publish attempts: first delay, doubled up to max (default 50 ms → 5 s). */
  readonly retryDelayMs?: { readonly initial: number; readonly max: number };
  /** Runs before each publish attempt; throwing counts as a failed attempt (crash injection in tests). */
  readonly beforePublish?: (messages: readonly PermissionMessage[]) => void | Promise<void>;
  /** Told after each successful publish, once `position` has moved past the event (metrics). */
  readonly onPublished?: (messages: readonly PermissionMessage[]) => void;
  /** Told about each failed publish attempt, failed checkpoint save, and a fatal stop (see `failed`). */
  readonly onError?: (error: unknown) => void;
  /**
   * The org states folded up to a ledger position (e.g. the projection's, read at start).
   * When that position is at or before the checkpoint (nothing after it is left to publish
   * from before), the tracker starts from copies of them and the relay follows the ledger
   * from there, instead of folding every org stream from the start.
   */
  readonly seed?: () => { readonly position: bigint; readonly orgs: Iterable<OrgState> } | undefined;
  /**
   * Told when the loaded checkpoint lies beyond the end of the ledger (the ledger was restored
   * from an older backup): it is ignored and the relay publishes from the start (message ids
   * deduplicate), so the events written after the restore, at positions the old checkpoint
   * covers, are not skipped.
   */
  readonly onCheckpointAhead?: (checkpoint: bigint, head: bigint | undefined) => void;
  /**
   * Most events whose messages are in flight at once, and most messages (default 64 and
   * 8192): the next event is published before the acks of earlier ones are back. 1 publishes
   * one event at a time.
   */
  readonly maxInFlight?: { readonly events: number; readonly messages: number };
}

const DEFAULT_RETRY = { initial: 50, max: 5000 };
const DEFAULT_IN_FLIGHT = { events: 64, messages: 8192 };

/**
 * Follows the org streams of the ledger from the start (so its tracker knows every org; or
 * from a seed of org states, see `seed`),
 * turns each event into permission messages, and publishes those of events past its
 * checkpoint in ledger order, pipelined: an event's messages go out before the acks of the
 * events before it are back, unless it shares a subject with one of them (see
 * {@link PublishPipeline}). A failed publish is retried with capped exponential backoff, never
 * skipped; the checkpoint and `position` only move past events whose messages, and those of
 * every event before them, are published. So a crash anywhere between the append and the
 * publish loses nothing: the next relay resumes from the checkpoint and publishes again
 * (message ids deduplicate).
 */
export class PermissionRelay {
  private tracker = new PermissionChangeTracker();
  private subscription: LedgerSubscription | undefined;
  private writer: CoalescingCheckpointWriter | undefined;
  private pipeline: PublishPipeline | undefined;
  private resumeAfter: bigint | undefined;
  private reached: bigint | undefined;
  private stopping = new AbortController();
  private running = false;
  private failure: Error | undefined;

  constructor(private readonly options: PermissionRelayOptions) {}

  /** Position of the last org event handled (published, or nothing to publish); undefined before the first. */
  get position(): bigint | undefined {
    return this.reached;
  }

  /** The newest saved checkpoint (or the one loaded at start). */
  get checkpoint(): bigint | undefined {
    return this.writer?.lastSaved ?? this.resumeAfter;
  }

  /** Set when the relay stopped for good (e.g. a malformed event in the ledger); it publishes nothing more. */
  get failed(): Error | undefined {
    return this.failure;
  }

  /**
   * Loads the checkpoint and starts following; resolves once every event present at start
   * has been handled (messages past the checkpoint published, with retries) and the
   * checkpoint is saved. Rejects on a corrupt checkpoint, a malformed event, or stop().
   */
  async start(): Promise<void> {
    if (this.running) throw new WardenError('conflict', 'relay_running', 'the permission relay is already running');
    this.running = true;
    this.stopping = new AbortController();
    this.failure = undefined;
    this.reached = undefined;
    try {
      this.resumeAfter = await this.options.checkpoints.load();
      await this.dropCheckpointAheadOfLedger();
    } catch (error) {
      this.running = false;
      throw error;
    }
    const seed = this.options.seed?.();
    const seeded = seed !== undefined && this.resumeAfter !== undefined && seed.position <= this.resumeAfter ? seed : undefined;
    this.tracker = seeded ? PermissionChangeTracker.from(seeded.orgs) : new PermissionChangeTracker();
    this.reached = seeded?.position;
    const writer = new CoalescingCheckpointWriter(this.options.checkpoints, (error) => this.report(error), this.resumeAfter);
    this.writer = writer;
    this.pipeline = this.createPipeline();
    if (this.stopping.signal.aborted) throw stoppedError();
    const subscription = this.options.ledger.subscribe({ after: seeded?.position, streamPrefixes: [ORG_STREAM_PREFIX] }, (event) =>
      this.handle(event),
    );
    this.subscription = subscription;
    subscription.done.catch((error: unknown) => {
      this.failure = error instanceof Error ? error : new WardenError('unavailable', 'relay_failed', String(error));
      this.report(error);
    });
    try {
      await subscription.caughtUp;
    } catch (error) {
      await this.stop();
      throw error;
    }
    await this.pipeline.idle();
    await writer.flush();
  }

  /** Stops following (abandoning a publish still being retried) and saves the checkpoint reached. */
  async stop(): Promise<void> {
    this.stopping.abort();
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.close();
    await this.pipeline?.idle();
    await this.writer?.flush();
    this.running = false;
  }

  private async dropCheckpointAheadOfLedger(): Promise<void> {
    if (this.resumeAfter === undefined) return;
    const head = await this.options.ledger.headPosition();
    if (head !== undefined && this.resumeAfter <= head) return;
    this.options.onCheckpointAhead?.(this.resumeAfter, head);
    this.resumeAfter = undefined;
  }

  private async handle(event: RecordedEvent): Promise<void> {
    const messages = this.tracker.apply(event);
    const fresh = this.resumeAfter === undefined || event.position > this.resumeAfter;
    const publishing = fresh && messages.length > 0;
    const position = event.position;
    await this.pipeline!.submit(publishing ? messages : [], () => {
      this.reached = position;
      if (fresh) this.writer?.request(position);
      if (publishing) this.notifyPublished(messages);
    });
  }

  private createPipeline(): PublishPipeline {
    const { beforePublish, broadcaster } = this.options;
    return new PublishPipeline({
      attempt: async (messages) => {
        await beforePublish?.(messages);
        await broadcaster.publish(messages);
      },
      onError: (error) => this.report(error),
      retryDelayMs: this.options.retryDelayMs ?? DEFAULT_RETRY,
      maxEvents: this.options.maxInFlight?.events ?? DEFAULT_IN_FLIGHT.events,
      maxMessages: this.options.maxInFlight?.messages ?? DEFAULT_IN_FLIGHT.messages,
      signal: this.stopping.signal,
    });
  }

  private notifyPublished(messages: readonly PermissionMessage[]): void {
    try {
      this.options.onPublished?.(messages);
    } catch (error) {
      this.report(error);
    }
  }

  private report(error: unknown): void {
    try {
      this.options.onError?.(error);
    } catch {
      // Reporting is best effort; it must never change what the relay does.
    }
  }
}

function stoppedError(): WardenError {
  return new WardenError('unavailable', 'relay_stopped', 'the permission relay was stopped while starting');
}
