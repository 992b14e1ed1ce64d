import { setTimeout as delay } from 'node:timers/promises';
import type { PermissionMessage } from './permission-contract';

/** Options of {@link PublishPipeline}. */
export interface PublishPipelineOptions {
  /** One publish attempt of one event's messages; a rejection counts as a failed attempt. */
  readonly attempt: (messages: readonly PermissionMessage[]) => Promise<void>;
  /** Told about each failed attempt. */
  readonly onError: (error: unknown) => void;
  /** Backoff between attempts of a failed event: first delay, doubled up to max. */
  readonly retryDelayMs: { readonly initial: number; readonly max: number };
  /** Most events in flight at once (published, acks not all back yet). */
  readonly maxEvents: number;
  /** Most messages in flight at once (an event bigger than this still goes out, alone). */
  readonly maxMessages: number;
  /** Stops retries and refuses new events; attempts already running are let finish. */
  readonly signal: AbortSignal;
}

/** One event's messages on their way out. */
interface InFlight {
  readonly messages: readonly PermissionMessage[];
  readonly keys: readonly string[];
  /** The first attempt: true when it went through. Never rejects. */
  readonly firstAttempt: Promise<boolean>;
  /** Settles true once the messages are published (with retries), false when the pipeline stopped first. */
  readonly done: Promise<boolean>;
  readonly settle: (published: boolean) => void;
  readonly onPublished: () => void;
}

/**
 * Publishes the messages of successive events without waiting for one event's acks before
 * sending the next event's, so a burst of revokes costs about one round trip, not one per event.
 *
 * Guarantees, the same as publishing one event at a time:
 * - completion in order: `onPublished` of an event runs only after every earlier event's
 *   messages are published, so a checkpoint taken there never skips an unpublished event;
 * - order per subject: an event that shares a subject (device, or org-level) with an event in
 *   flight is not sent before that event is fully acked, retries included. A failed message is
 *   therefore never resent after a newer message on its subject (which would make the stream's
 *   last message per subject stale, and dedupe by message id could not repair it);
 * - a failed event is retried with capped exponential backoff, never skipped; while it is
 *   retried, no new event goes out until the window has drained.
 */
export class PublishPipeline {
  private readonly queue: InFlight[] = [];
  /** Subject key → the newest event in flight that publishes on it. */
  private readonly bySubject = new Map<string, InFlight>();
  private messagesInFlight = 0;
  private retrying = false;
  private completing: Promise<void> | undefined;

  constructor(private readonly options: PublishPipelineOptions) {}

  /**
   * Starts publishing an event's messages once it may (see the class), and calls `onPublished`
   * once they and every earlier event's are published. Resolves once the event is in flight
   * (true), or false when the pipeline stopped first. An event with no messages only takes its
   * place in the completion order.
   */
  async submit(messages: readonly PermissionMessage[], onPublished: () => void): Promise<boolean> {
    if (this.queue.length === 0 && messages.length === 0) {
      onPublished();
      return true;
    }
    const keys = messages.map(subjectKey);
    for (const key of keys) {
      const blocking = this.bySubject.get(key);
      if (blocking && !(await blocking.done)) return false;
    }
    while (this.queue.length > 0 && (this.retrying || this.queue.length >= this.options.maxEvents || this.messagesInFlight + messages.length > this.options.maxMessages)) {
      if (!(await this.queue[0]!.done)) return false;
    }
    if (this.options.signal.aborted) return false;
    let settle!: (published: boolean) => void;
    const done = new Promise<boolean>((resolve) => (settle = resolve));
    const firstAttempt = messages.length === 0 ? Promise.resolve(true) : this.attemptOnce(messages);
    const entry: InFlight = { messages, keys, firstAttempt, done, settle, onPublished };
    this.queue.push(entry);
    this.messagesInFlight += messages.length;
    for (const key of keys) this.bySubject.set(key, entry);
    this.completing ??= this.completeInOrder();
    return true;
  }

  /** Resolves once nothing is in flight (everything published, or abandoned after a stop). */
  async idle(): Promise<void> {
    while (this.completing) await this.completing;
  }

  private async completeInOrder(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const head = this.queue[0]!;
        const published = (await head.firstAttempt) || (await this.retryUntilDone(head.messages));
        if (!published) return;
        this.queue.shift();
        this.messagesInFlight -= head.messages.length;
        for (const key of head.keys) if (this.bySubject.get(key) === head) this.bySubject.delete(key);
        head.onPublished();
        head.settle(true);
      }
    } finally {
      this.completing = undefined;
      if (this.queue.length > 0) this.abandon();
    }
  }

  /** After a stop: whatever is still queued is dropped (its events stay past the checkpoint and are republished by the next relay). */
  private abandon(): void {
    const abandoned = this.queue.splice(0);
    this.bySubject.clear();
    this.messagesInFlight = 0;
    for (const entry of abandoned) entry.settle(false);
  }

  /** Retries with backoff until the messages are published (true) or the pipeline stops (false). */
  private async retryUntilDone(messages: readonly PermissionMessage[]): Promise<boolean> {
    const { retryDelayMs, signal } = this.options;
    this.retrying = true;
    try {
      let wait = retryDelayMs.initial;
      while (!signal.aborted) {
        try {
          await delay(wait, undefined, { signal });
        } catch {
          return false;
        }
        wait = Math.min(wait * 2, retryDelayMs.max);
        if (await this.attemptOnce(messages)) return true;
      }
      return false;
    } finally {
      this.retrying = false;
    }
  }

  private async attemptOnce(messages: readonly PermissionMessage[]): Promise<boolean> {
    try {
      await this.options.attempt(messages);
      return true;
    } catch (error) {
      this.options.onError(error);
      return false;
    }
  }
}

/** One key per subject a message is published on: the device's, or the org-level one (deviceId null). */
function subjectKey(message: PermissionMessage): string {
  return message.deviceId === null ? `${message.orgId}\u0000` : `${message.orgId}\u0000${message.deviceId}`;
}
