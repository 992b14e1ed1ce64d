import { Readable } from 'node:stream';
import { yieldToEventLoop } from '@warden/audit';
import type { FastifyReply } from 'fastify';
import { toHttpError } from './error-body';

/** Items serialized per turn of the event loop in a long JSON answer (about 0.3–1 ms of work). */
export const ANSWER_CHUNK_ITEMS = 256;

const JSON_TYPE = 'application/json; charset=utf-8';

/** A JSON object answer with one long list field: `{...head, [key]: items, ...tail()}`. */
export interface ListAnswer<T> {
  /** The fields before the list, in order. */
  readonly head: Readonly<Record<string, unknown>>;
  /** Name of the list field. */
  readonly key: string;
  readonly items: readonly T[];
  /** An item's JSON value (default: the item), computed chunk by chunk. */
  readonly view?: (item: T) => unknown;
  /** The fields after the list, computed once the list is written. */
  readonly tail?: () => Readonly<Record<string, unknown>>;
}

/**
 * Sends a list answer. The text is byte for byte `JSON.stringify` of the whole object (bigints
 * as decimal strings). Up to {@link ANSWER_CHUNK_ITEMS} items it goes in one piece, as before;
 * a longer list is streamed (chunked transfer encoding), one chunk per turn of the event loop,
 * so serializing 100,000 devices never holds validations up for more than a chunk.
 */
export function sendListAnswer<T>(reply: FastifyReply, answer: ListAnswer<T>): void {
  void reply.type(JSON_TYPE);
  if (answer.items.length <= ANSWER_CHUNK_ITEMS) {
    void reply.send([...listChunks(answer)].join(''));
    return;
  }
  void reply.send(Readable.from(paced(listChunks(answer))));
}

function* listChunks<T>(answer: ListAnswer<T>): Generator<string> {
  const view = answer.view ?? ((item: T) => item);
  const head = stringify(answer.head);
  yield `${head.slice(0, -1)}${head.length > 2 ? ',' : ''}${JSON.stringify(answer.key)}:[`;
  for (let start = 0; start < answer.items.length; start += ANSWER_CHUNK_ITEMS) {
    const part = answer.items.slice(start, start + ANSWER_CHUNK_ITEMS).map((item) => stringify(view(item)) ?? 'null');
    yield `${start > 0 ? ',' : ''}${part.join(',')}`;
  }
  const tail = stringify(answer.tail?.() ?? {});
  yield `]${tail.length > 2 ? `,${tail.slice(1)}` : '}'}`;
}

async function* paced(chunks: Iterable<string>): AsyncGenerator<string> {
  let first = true;
  for (const chunk of chunks) {
    if (!first) await yieldToEventLoop();
    first = false;
    yield chunk;
  }
}

function stringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/**
 * Sends NDJSON lines. The first line is read before anything is sent, so a query that fails
 * or runs out of time before it (bad range, ledger down, budget spent) still gets its status
 * and JSON error body. Once the headers are out, a failure can no longer change the status:
 * the stream then ends with one last line in the error contract,
 * `{"status":"error","error":"query_timeout","message":…}`, which no record line has.
 * `onError` sees that failure (for the log).
 */
export async function sendNdjson(
  reply: FastifyReply,
  lines: AsyncGenerator<string>,
  headers: Readonly<Record<string, string>>,
  onError: (error: unknown, httpStatus: number) => void,
): Promise<void> {
  const first = await lines.next();
  async function* all(): AsyncGenerator<string> {
    try {
      if (first.done) return;
      yield first.value;
      for await (const line of lines) yield line;
    } catch (error) {
      const { httpStatus, body } = toHttpError(error);
      onError(error, httpStatus);
      yield `${JSON.stringify(body)}\n`;
    }
  }
  void reply.headers(headers).send(Readable.from(all()));
}
