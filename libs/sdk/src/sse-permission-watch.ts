import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { SSE_HEARTBEAT_EVENT, SSE_PERMISSION_EVENT } from './permission-contract';
import { backoffDelay } from './backoff';
import type { PermissionWatch, WatchSink } from './permission-gate';
import { isHeartbeat, parseJsonPayload, toPermissionUpdate } from './permission-messages';
import type { WardenClient } from './warden-client';

/** What an SSE watch needs. */
export interface SseWatchOptions {
  readonly client: WardenClient;
  readonly deviceId: string;
  /** A stream silent for a third of it is presumed dead and reopened (the lease fails closed at the full budget). */
  readonly maxStalenessMs: number;
  readonly sink: WatchSink;
}

/**
 * Watches one device's permission over Server-Sent Events (`GET devices/watch`). The first
 * connection must succeed (it is part of starting a lease); after that, an error, the end of
 * the stream or a silent stream reopens it after a capped exponential backoff with jitter,
 * while the lease's staleness clock keeps running.
 */
export async function watchOverSse(options: SseWatchOptions): Promise<PermissionWatch> {
  const watch = new SsePermissionWatch(options);
  const first = await watch.connect();
  void watch.run(first);
  return watch;
}

class SsePermissionWatch implements PermissionWatch {
  private readonly stopped = new AbortController();
  private connection: AbortController | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private readonly idleMs: number;

  constructor(private readonly options: SseWatchOptions) {
    this.idleMs = Math.max(1000, Math.floor(options.maxStalenessMs / 3));
  }

  /** Opens one stream; rejects when it cannot be opened. */
  async connect(): Promise<Response> {
    this.connection = new AbortController();
    const signal = AbortSignal.any([this.stopped.signal, this.connection.signal]);
    return this.options.client.watch(this.options.deviceId, signal);
  }

  run(first: Response): Promise<void> {
    this.running = this.loop(first);
    return this.running;
  }

  async close(): Promise<void> {
    this.stopped.abort();
    clearTimeout(this.idleTimer);
    await this.running;
  }

  private async loop(first: Response): Promise<void> {
    let response: Response | undefined = first;
    let attempt = 0;
    while (!this.stopped.signal.aborted) {
      try {
        response ??= await this.connect();
        if (await this.pump(response)) attempt = 0;
      } catch {
        // A failed or broken stream is retried below; the staleness clock decides when to give up.
      }
      response = undefined;
      clearTimeout(this.idleTimer);
      if (this.stopped.signal.aborted) return;
      await delay(backoffDelay(attempt++), this.stopped.signal);
    }
  }

  /** Feeds one stream to the parser until it ends; true if at least one event came through. */
  private async pump(response: Response): Promise<boolean> {
    if (!response.body) return false;
    let received = false;
    const parser = createParser({
      onEvent: (event) => {
        received = true;
        this.touch();
        this.dispatch(event);
      },
    });
    this.touch();
    const decoder = new TextDecoder();
    for await (const chunk of response.body) {
      parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
    }
    return received;
  }

  /** Everything on the stream comes live from the control plane, the current state sent on connect included. */
  private dispatch(event: EventSourceMessage): void {
    const { sink } = this.options;
    if (event.event === SSE_PERMISSION_EVENT) {
      const update = toPermissionUpdate(parseJsonPayload(event.data));
      if (!update) return;
      sink.alive();
      sink.permission(update);
    } else if (event.event === SSE_HEARTBEAT_EVENT) {
      if (isHeartbeat(parseJsonPayload(event.data))) sink.alive();
    }
  }

  /** Restarts the idle timer: a stream that says nothing for idleMs is dropped and reopened. */
  private touch(): void {
    clearTimeout(this.idleTimer);
    const connection = this.connection;
    this.idleTimer = setTimeout(() => connection?.abort(), this.idleMs);
    this.idleTimer.unref();
  }
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    timer.unref();
    signal.addEventListener('abort', done, { once: true });
  });
}
