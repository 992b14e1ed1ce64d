import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** Reads an SSE response in a test: `next(type)` resolves with the next event of that type. */
export class SseReader {
  private readonly queue: EventSourceMessage[] = [];
  private waiters: { type: string; resolve: (event: EventSourceMessage) => void }[] = [];
  private readonly abort = new AbortController();

  private constructor(readonly status: number) {}

  static async open(url: string, headers: Record<string, string>): Promise<SseReader> {
    const controller = new AbortController();
    const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
    const reader = new SseReader(response.status);
    reader.abort.signal.addEventListener('abort', () => controller.abort());
    if (response.ok && response.body) void reader.pump(response.body);
    return reader;
  }

  /** The next event of `type` not yet taken (earlier events of other types stay queued). */
  next(type: string): Promise<EventSourceMessage> {
    const index = this.queue.findIndex((event) => (event.event ?? 'message') === type);
    if (index >= 0) return Promise.resolve(this.queue.splice(index, 1)[0]!);
    return new Promise((resolve) => this.waiters.push({ type, resolve }));
  }

  async nextJson<T = any>(type: string): Promise<T> {
    return JSON.parse((await this.next(type)).data) as T;
  }

  /** Events received and not taken yet. */
  pending(type: string): EventSourceMessage[] {
    return this.queue.filter((event) => (event.event ?? 'message') === type);
  }

  close(): void {
    this.abort.abort();
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const parser = createParser({ onEvent: (event) => this.deliver(event) });
    const decoder = new TextDecoder();
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
    } catch {
      // closed by the test or the server
    }
  }

  private deliver(event: EventSourceMessage): void {
    const type = event.event ?? 'message';
    const waiter = this.waiters.find((w) => w.type === type);
    if (waiter) {
      this.waiters = this.waiters.filter((w) => w !== waiter);
      waiter.resolve(event);
    } else {
      this.queue.push(event);
    }
  }
}
