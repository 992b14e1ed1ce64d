import type { EventHandler, NewEvent, RecordedEvent } from '../event-ledger.port';

let counter = 0;

/** A unique event id for tests (unique within the process, so ids never collide across tests). */
export function uniqueEventId(label = 'evt'): string {
  counter += 1;
  return `${label}-${counter}`;
}

/** A NewEvent for tests: `Tested` with `{ n }` data unless told otherwise. */
export function newEvent(overrides: Partial<NewEvent> & { n?: number } = {}): NewEvent {
  const eventId = overrides.eventId ?? uniqueEventId();
  return {
    eventId,
    type: overrides.type ?? 'Tested',
    data: overrides.data ?? { n: overrides.n ?? 0, label: 'fixture' },
    metadata: overrides.metadata ?? { actor: 'admin', correlationId: `corr-${eventId}` },
  };
}

/** `count` fresh events, data `{ n: 0..count-1 }`. */
export function newEvents(count: number): NewEvent[] {
  return Array.from({ length: count }, (_, n) => newEvent({ n }));
}

/** Collects what a subscription delivers and lets a test await a count instead of sleeping. */
export interface EventCollector {
  readonly events: RecordedEvent[];
  readonly handler: EventHandler;
  /** Resolves with the events collected so far once at least `count` have arrived. */
  waitFor(count: number): Promise<RecordedEvent[]>;
}

/** Creates an {@link EventCollector}; `onEvent` runs inside the handler (it may throw). */
export function collectEvents(onEvent?: (event: RecordedEvent, index: number) => void | Promise<void>): EventCollector {
  const events: RecordedEvent[] = [];
  const waiters: { count: number; resolve: (events: RecordedEvent[]) => void }[] = [];
  const release = (): void => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (events.length >= waiters[i].count) waiters.splice(i, 1)[0].resolve([...events]);
    }
  };
  return {
    events,
    handler: async (event) => {
      await onEvent?.(event, events.length);
      events.push(event);
      release();
    },
    waitFor(count) {
      return new Promise((resolve) => {
        waiters.push({ count, resolve });
        release();
      });
    },
  };
}

/**
 * The error a promise rejects with. A promise that resolves gives `{ resolvedWith: value }`,
 * which then fails the test's `toBeInstanceOf` assertion with the value in the message.
 */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => ({ resolvedWith: value }),
    (error: unknown) => error,
  );
}
