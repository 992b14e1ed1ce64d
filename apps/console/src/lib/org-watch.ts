import { createParser } from 'eventsource-parser';
import type { PermissionMessage } from '../api/client';

export type WatchState = 'connecting' | 'live' | 'retrying';

export interface OrgWatchHandlers {
  /** A permission change of the org (or its current state, first after each connection). */
  onPermission(message: PermissionMessage): void;
  /** Connected again after a gap: whatever changed meanwhile was missed, so refetch everything. */
  onOpen(): void;
  onState(state: WatchState): void;
  /** The key was refused (401): the session is over. */
  onUnauthorized(): void;
}

/**
 * Follows `GET /api/v1/org/watch` (SSE) until `signal` aborts. EventSource cannot send
 * headers, and the key must never be in a URL, so this reads the stream with `fetch` and
 * the `x-org-key` header, parses it with eventsource-parser, and reconnects with backoff.
 */
export async function watchOrg(key: string, handlers: OrgWatchHandlers, signal: AbortSignal): Promise<void> {
  let backoffMs = 500;
  while (!signal.aborted) {
    handlers.onState('connecting');
    try {
      const response = await fetch('/api/v1/org/watch', { headers: { 'x-org-key': key, accept: 'text/event-stream' }, cache: 'no-store', signal });
      if (response.status === 401) {
        handlers.onUnauthorized();
        return;
      }
      if (response.ok && response.body) {
        handlers.onState('live');
        handlers.onOpen();
        backoffMs = 500;
        await read(response.body, handlers, signal);
      }
    } catch {
      // network error or aborted: retried below unless aborted
    }
    if (signal.aborted) return;
    handlers.onState('retrying');
    await sleep(backoffMs, signal);
    backoffMs = Math.min(backoffMs * 2, 10_000);
  }
}

async function read(body: ReadableStream<Uint8Array>, handlers: OrgWatchHandlers, signal: AbortSignal): Promise<void> {
  const parser = createParser({
    onEvent(event) {
      if (event.event !== 'permission') return;
      try {
        handlers.onPermission(JSON.parse(event.data) as PermissionMessage);
      } catch {
        // a malformed event is skipped; the next one refreshes the screens anyway
      }
    },
  });
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const cancel = () => void reader.cancel();
  signal.addEventListener('abort', cancel, { once: true });
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      parser.feed(decoder.decode(value, { stream: true }));
    }
  } finally {
    signal.removeEventListener('abort', cancel);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
