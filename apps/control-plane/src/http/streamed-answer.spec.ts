import { Readable } from 'node:stream';
import { WardenError } from '@warden/domain';
import type { FastifyReply } from 'fastify';
import { ANSWER_CHUNK_ITEMS, sendListAnswer, sendNdjson, type ListAnswer } from './streamed-answer';

/** A reply that keeps what was sent: the text itself, or the text read from a streamed payload. */
function fakeReply() {
  let payload: unknown;
  const headers: Record<string, string> = {};
  const reply = {
    type: (value: string) => ((headers['content-type'] = value), reply),
    headers: (values: Record<string, string>) => (Object.assign(headers, values), reply),
    send: (value: unknown) => ((payload = value), reply),
  };
  return {
    reply: reply as unknown as FastifyReply,
    headers,
    streamed: () => payload instanceof Readable,
    async text(): Promise<string> {
      if (!(payload instanceof Readable)) return String(payload);
      let text = '';
      for await (const chunk of payload) text += String(chunk);
      return text;
    },
  };
}

async function* linesOf(lines: string[], failure?: Error): AsyncGenerator<string> {
  for (const line of lines) yield line;
  if (failure) throw failure;
}

describe('sendListAnswer', () => {
  const devices = (n: number) => Array.from({ length: n }, (_, i) => ({ deviceId: `d${i}`, big: BigInt(i), gone: undefined }));

  it.each([
    ['an empty list', { head: { status: 'ok', missing: undefined }, key: 'devices', items: [] }],
    ['a short list with a tail', { head: { status: 'ok', handler: 'h' }, key: 'devices', items: devices(3), tail: () => ({ limit: 3, planState: 'active' }) }],
    ['a list of several chunks, an item view and a tail', { head: { status: 'ok', count: 1000 }, key: 'devices', items: devices(1000), view: (d: { deviceId: string }) => ({ id: d.deviceId }), tail: () => ({ remaining: 0 }) }],
    ['a long list with no head', { head: {}, key: 'events', items: devices(ANSWER_CHUNK_ITEMS * 2 + 1) }],
  ] as Array<[string, ListAnswer<ReturnType<typeof devices>[number]>]>)('writes %s byte for byte as JSON.stringify of the whole answer', async (_name, answer) => {
    const sent = fakeReply();
    sendListAnswer(sent.reply, answer);
    const view = answer.view ?? ((item: unknown) => item);
    const whole = { ...answer.head, [answer.key]: answer.items.map(view), ...(answer.tail?.() ?? {}) };
    expect(await sent.text()).toBe(JSON.stringify(whole, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
    expect(sent.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(sent.streamed()).toBe(answer.items.length > ANSWER_CHUNK_ITEMS);
  });
});

describe('sendNdjson', () => {
  it('sends every line after the first was read', async () => {
    const sent = fakeReply();
    await sendNdjson(sent.reply, linesOf(['{"a":1}\n', '{"b":2}\n']), { 'content-type': 'application/x-ndjson' }, () => undefined);
    expect(await sent.text()).toBe('{"a":1}\n{"b":2}\n');
    expect(sent.headers['content-type']).toBe('application/x-ndjson');
  });

  it('throws (for the error contract, before any header) when the first line fails', async () => {
    const sent = fakeReply();
    const failure = new WardenError('unavailable', 'query_timeout', 'budget spent');
    await expect(sendNdjson(sent.reply, linesOf([], failure), {}, () => undefined)).rejects.toBe(failure);
  });

  it('ends with one error line in the error contract when a later line fails, and reports the failure', async () => {
    const sent = fakeReply();
    const failures: Array<[unknown, number]> = [];
    const failure = new WardenError('unavailable', 'query_timeout', 'budget spent');
    await sendNdjson(sent.reply, linesOf(['{"a":1}\n'], failure), {}, (error, status) => failures.push([error, status]));
    expect(await sent.text()).toBe('{"a":1}\n{"status":"error","error":"query_timeout","message":"budget spent"}\n');
    expect(failures).toEqual([[failure, 503]]);
  });

  it('never puts an internal error or its stack on the error line', async () => {
    const sent = fakeReply();
    await sendNdjson(sent.reply, linesOf(['{"a":1}\n'], new Error('secret /srv/app.js:12')), {}, () => undefined);
    const last = (await sent.text()).trim().split('\n').pop()!;
    expect(JSON.parse(last)).toEqual({ status: 'error', error: 'internal_error', message: 'an internal error occurred; it has been logged' });
  });
});
