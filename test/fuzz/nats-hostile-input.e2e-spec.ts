import fc from 'fast-check';
import { ackSubject, RPC_HEARTBEAT_SUBJECT, RPC_REGISTER_SUBJECT, RPC_VALIDATE_SUBJECT } from '@warden/broadcast';
import { NatsServerProcess } from '@warden/testing';
import { connect, headers as natsHeaders, type NatsConnection } from 'nats';
import { ADMIN_TOKEN, SQLITE, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp } from '../support/http-client';
import { deepJson, fieldObject, KNOWN_DEVICES, plausibleObject, rawGarbage, type FuzzIds } from './support/hostile.arbitraries';
import { appendedSince, CaseTally, fuzzRuns, leaks, settledHeapMb } from './support/response-oracle';
import { natsReady } from '../support/nats-ready';

jest.setTimeout(600_000);

/** Generated requests per subject: 300 in CI, WARDEN_FUZZ_RUNS for the long form. */
const RUNS_PER_SUBJECT = fuzzRuns(300);
/** Most the settled heap may grow from after the warm-up to the end of the fuzz. */
const HEAP_GROWTH_BOUND_MB = 48;
const RECORDED_REGISTER_REFUSALS = new Set(['limit_reached', 'revoked', 'suspended']);
const ACK_FIELDS = ['key', 'deviceId', 'position', 'receivedAt', 'stoppedAt', 'transport'];
/** The fuzzed org's ack subject: `warden.ack.<org token>`, set once the org exists. */
let ACK_SUBJECT = 'warden.ack.unset';

interface NatsCase {
  readonly subject: string;
  readonly payload: Uint8Array;
  readonly header?: readonly [string, string];
}

describe('hostile NATS request/reply input', () => {
  let nats: NatsServerProcess;
  let cp: RunningControlPlane;
  let nc: NatsConnection;
  let ids: FuzzIds;
  const tally = new CaseTally();
  let heapAfterWarmUp: number;

  beforeAll(async () => {
    nats = await NatsServerProcess.start();
    cp = await startControlPlane({ env: { ...SQLITE, NATS_URL: nats.url } });
    await natsReady(cp.app);
    nc = await connect({ servers: nats.url });
    const http = new WardenHttp(cp.url);
    const org = await createOrg(http, ADMIN_TOKEN);
    const admin = http.withKey(org.orgKey);
    const runtime = (await admin.post('/api/v1/org/keys', { scope: 'runtime' })).body;
    for (const deviceId of KNOWN_DEVICES) await admin.post('/api/v1/devices/register', { deviceId });
    const changePosition = (await admin.post('/api/v1/devices/revoke', { deviceId: 'dev-2' })).body.position as string;
    ids = { adminKey: org.orgKey, runtimeKey: runtime.key, runtimeKeyId: runtime.keyId, spareKeyId: runtime.keyId, changePosition };
    ACK_SUBJECT = ackSubject(org.orgId);
  });

  afterAll(async () => {
    process.stdout.write(`\n${tally.report('NATS fuzz')}\n`);
    await nc?.close();
    await cp?.close({ removeData: true });
    await nats?.dispose();
  });

  function natsCase(subject: string): fc.Arbitrary<NatsCase> {
    const fields = subject === RPC_REGISTER_SUBJECT ? ['key', 'deviceId', 'labels'] : subject === ACK_SUBJECT ? ACK_FIELDS : ['key', 'deviceId'];
    const text = fc.oneof(
      { weight: 3, arbitrary: plausibleObject(subject === RPC_REGISTER_SUBJECT ? ['key', 'deviceId'] : subject === ACK_SUBJECT ? ACK_FIELDS.slice(0, 4) : fields, ids).map((object) => JSON.stringify(object)) },
      { weight: 6, arbitrary: fieldObject(fields, ids).map((object) => JSON.stringify(object)) },
      { weight: 2, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
      { weight: 2, arbitrary: rawGarbage },
      { weight: 1, arbitrary: fc.constantFrom(100_000, 300_000).map((depth) => deepJson(depth, 'array')) },
      { weight: 1, arbitrary: fc.constantFrom('{"__proto__":{"admin":true},"key":"k","deviceId":"dev-1"}', `{"key":"${ids.adminKey}","deviceId":"dev-1","constructor":{"prototype":{"x":1}}}`, '') },
    );
    const bytes = fc.oneof(
      { weight: 8, arbitrary: text.map((t) => new Uint8Array(Buffer.from(t, 'utf8'))) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
      { weight: 1, arbitrary: fc.constantFrom(Buffer.from([0xff, 0xfe, 0x7b, 0x7d]), Buffer.from('{"key":"\xff","deviceId":"dev-1"}', 'latin1'), Buffer.alloc(900_000, 0x20)).map((b) => new Uint8Array(b)) },
    );
    const header = fc.option(fc.tuple(fc.constantFrom('Nats-Msg-Id', 'x-org-key', 'Content-Type', 'X-Garbage'), fc.string({ maxLength: 20 }).map((s) => s.replace(/[^\x21-\x7e]/g, 'x'))), { nil: undefined, freq: 4 });
    // The client refuses payloads over the server's max_payload (1 MB) itself: nothing reaches warden.
    const sendable = bytes.filter((payload) => payload.length < 1_000_000);
    return fc.record({ subject: fc.constant(subject), payload: sendable, header });
  }

  async function request(natsCase: NatsCase): Promise<{ text: string; body: any }> {
    const options: { timeout: number; headers?: ReturnType<typeof natsHeaders> } = { timeout: 10_000 };
    if (natsCase.header) {
      options.headers = natsHeaders();
      options.headers.set(natsCase.header[0], natsCase.header[1] || 'x');
    }
    const reply = await nc.request(natsCase.subject, natsCase.payload, options);
    const text = Buffer.from(reply.data).toString('utf8');
    return { text, body: JSON.parse(text) };
  }

  /** One request: a JSON reply in the contract, and exactly the ledger writes its answer allows. */
  async function check(natsCase: NatsCase): Promise<string> {
    const before = await cp.ledger.headPosition();
    const { text, body } = await request(natsCase);
    const appended = await appendedSince(cp.ledger, before);
    const decisions = appended.filter((event) => event.type === 'PermissionDecided');
    const context = `${natsCase.subject} ${Buffer.from(natsCase.payload).toString('utf8').slice(0, 200)} → ${text.slice(0, 300)}`;
    const fail = (rule: string) => {
      throw new Error(`${rule}; appended ${appended.map((event) => event.type).join(', ') || 'nothing'}: ${context}`);
    };
    const leak = leaks(text);
    if (leak) fail(`the reply carries ${leak}`);
    if (body === null || typeof body !== 'object') fail('the reply is not a JSON object');

    // A refused heartbeat (unknown, removed or expired device) is a decision on the record: 403, its code in `error`.
    if (natsCase.subject === RPC_HEARTBEAT_SUBJECT && body.status === 'error' && body.httpStatus === 403 && /^[A-Z_]+$/.test(body.error)) {
      const data = decisions[0]?.data as { action?: string; code?: string } | undefined;
      if (appended.length !== 1 || data?.action !== 'heartbeat' || data.code !== body.error) fail('a refused heartbeat must write exactly its decision record');
      return `403 ${body.error}`;
    }
    if (natsCase.subject === ACK_SUBJECT && body.status === 'ok') {
      const acks = appended.filter((event) => event.type === 'PermissionAcknowledged');
      if (acks.length !== appended.length || acks.length !== (body.duplicate === true ? 0 : 1)) fail('an ack must write its one record, a duplicate none');
      return `ack ${body.duplicate ? 'duplicate' : 'recorded'}`;
    }
    if (body.status === 'error') {
      if (typeof body.error !== 'string' || !/^[a-z][a-z0-9_]*$/.test(body.error) || typeof body.message !== 'string') fail('an error reply outside the contract');
      if (typeof body.httpStatus !== 'number' || body.httpStatus < 400 || body.httpStatus >= 500) fail(`an error reply with httpStatus ${body.httpStatus}`);
      if (appended.length > 0) fail('a refused request wrote to the ledger');
      return `${body.httpStatus} ${body.error}`;
    }
    if (natsCase.subject === RPC_VALIDATE_SUBJECT || natsCase.subject === RPC_HEARTBEAT_SUBJECT) {
      const record = decisions[0];
      if (typeof body.allowed !== 'boolean' || appended.length !== 1 || record?.eventId !== body.request_id || (record.data as { code?: string }).code !== body.code) {
        fail('a validation must write exactly its own decision record');
      }
      return `decided ${body.code}`;
    }
    if (RECORDED_REGISTER_REFUSALS.has(body.status)) {
      const record = decisions[0];
      if (appended.length !== 1 || record?.eventId !== body.request_id || (record.data as { allowed?: boolean }).allowed !== false) {
        fail('a refused registration must write exactly its decision record');
      }
      return `refused ${body.status}`;
    }
    if (body.status !== 'ok' && body.status !== 'exists') fail('an unexpected register answer');
    if (decisions.length > 0 || appended.some((event) => event.type !== 'DeviceRegistered')) fail('a registration wrote more than its DeviceRegistered event');
    return `register ${body.status}`;
  }

  async function expectStillServing(): Promise<void> {
    const health = await new WardenHttp(cp.url).get('/health');
    expect([health.status, health.body.status]).toEqual([200, 'ok']);
    const { body } = await request({ subject: RPC_VALIDATE_SUBJECT, payload: Buffer.from(JSON.stringify({ key: ids.adminKey, deviceId: 'dev-1' })) });
    expect(body).toMatchObject({ deviceId: 'dev-1', code: expect.stringMatching(/^(ALLOW|ORG_SUSPENDED|LIMIT_EXCEEDED)$/) });
  }

  it('warms up (the heap baseline is taken after it)', async () => {
    for (const subject of [RPC_VALIDATE_SUBJECT, RPC_HEARTBEAT_SUBJECT, RPC_REGISTER_SUBJECT, ACK_SUBJECT]) {
      await fc.assert(fc.asyncProperty(natsCase(subject), async (c) => void (await check(c))), { numRuns: 20, seed: 1 });
    }
    heapAfterWarmUp = settledHeapMb();
  });

  it.each([RPC_VALIDATE_SUBJECT, RPC_HEARTBEAT_SUBJECT, RPC_REGISTER_SUBJECT, 'warden.ack.<org token>'])('answers every generated request on %s in the contract, and keeps serving', async (name) => {
    const subject = name.startsWith('warden.ack.') ? ACK_SUBJECT : name;
    await fc.assert(
      fc.asyncProperty(natsCase(subject), async (c) => {
        tally.add(subject, await check(c));
      }),
      { numRuns: RUNS_PER_SUBJECT },
    );
    await expectStillServing();
  });

  it('survives garbage published without a reply subject, and serves no other rpc subject', async () => {
    const before = await cp.ledger.headPosition();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(RPC_VALIDATE_SUBJECT, RPC_HEARTBEAT_SUBJECT, RPC_REGISTER_SUBJECT, ACK_SUBJECT), rawGarbage, async (subject, garbage) => {
        nc.publish(subject, Buffer.from(garbage));
        tally.add(`${subject} (no reply subject)`, 'published');
      }),
      { numRuns: 100 },
    );
    await nc.flush();
    for (const subject of ['warden.rpc.revoke', 'warden.rpc.unrevoke', 'warden.rpc.list', 'warden.rpc.validate.x']) {
      await expect(nc.request(subject, Buffer.from(JSON.stringify({ key: ids.adminKey, deviceId: 'dev-1' })), { timeout: 5000 })).rejects.toMatchObject({ code: '503' });
      tally.add('other warden.rpc.* subjects', 'no responders');
    }
    // Another org's ack subject, or one that is no org token at all: refused, never recorded.
    for (const subject of [ackSubject('some-other-org'), 'warden.ack.%%%']) {
      const reply = await nc.request(subject, Buffer.from(JSON.stringify({ key: ids.runtimeKey, deviceId: 'dev-2', position: ids.changePosition, receivedAt: new Date().toISOString() })), { timeout: 5000 }).catch((error: { code?: string }) => error);
      if ('data' in reply) expect(JSON.parse(Buffer.from(reply.data).toString('utf8'))).toMatchObject({ status: 'error', error: 'ack_subject_mismatch', httpStatus: 403 });
      else expect(reply.code).toBe('503');
      tally.add('ack on a subject not of the key\'s org', 'data' in reply ? 'refused' : 'no responders');
    }
    await expectStillServing();
    const appended = await appendedSince(cp.ledger, before);
    // expectStillServing's own validations are the only writes (garbage is never an ack).
    expect(appended.every((event) => event.type === 'PermissionDecided' && (event.data as { deviceId?: string }).deviceId === 'dev-1')).toBe(true);
  });

  it(`keeps the settled heap within ${HEAP_GROWTH_BOUND_MB} MB of its size after the warm-up`, () => {
    const after = settledHeapMb();
    process.stdout.write(`\nNATS fuzz heap (after full GC): ${heapAfterWarmUp.toFixed(1)} MB after warm-up, ${after.toFixed(1)} MB after ${tally.total} cases\n`);
    expect(after - heapAfterWarmUp).toBeLessThan(HEAP_GROWTH_BOUND_MB);
  });
});
