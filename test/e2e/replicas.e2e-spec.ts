import { orgStream } from '@warden/ledger';
import { EventStoreTestServer } from '@warden/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp, type JsonResponse } from '../support/http-client';

/** How long, and how many validations, a replica may take to follow a revoke made on the other (measured: p99 16 ms, 850 asks for 200 revokes). */
const FOLLOW_LIMIT_MS = 5_000;
const FOLLOW_LIMIT_ASKS = 2_000;

/**
 * Validates `deviceId` on `replica` again and again (no pause: each ask is a round trip) until
 * it is denied; every answer before that must be the allow it had before the revoke. Throws,
 * saying how long and how often it asked, once either limit is passed.
 */
async function validateUntilDenied(replica: WardenHttp, deviceId: string): Promise<{ denial: JsonResponse; earlier: unknown[] }> {
  const started = Date.now();
  const earlier: unknown[] = [];
  for (let asks = 1; ; asks++) {
    const answer = await replica.post('/api/v1/devices/validate', { deviceId });
    if (answer.body.code === 'DEVICE_REVOKED') return { denial: answer, earlier };
    earlier.push(answer.body.code ?? `${answer.status} ${answer.body.error}`);
    const elapsed = Date.now() - started;
    if (asks >= FOLLOW_LIMIT_ASKS || elapsed >= FOLLOW_LIMIT_MS) {
      throw new Error(`the replica still answered ${JSON.stringify(earlier.at(-1))} for ${deviceId} after ${asks} validations over ${elapsed} ms (limits ${FOLLOW_LIMIT_ASKS} asks, ${FOLLOW_LIMIT_MS} ms): it did not follow the revoke`);
    }
  }
}

describe.each(['sqlite', 'eventstoredb'] as const)('two replicas on one %s ledger', (ledger) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-replicas-'));
  let server: EventStoreTestServer | undefined;
  let a: RunningControlPlane;
  let b: RunningControlPlane;

  /** SQLite replicas share the data dir (and so the ledger file); EventStoreDB ones share the server. */
  function replicaEnv(nodeId: string, extra: Record<string, string> = {}) {
    const common = { WARDEN_NODE_ID: nodeId, WARDEN_SQLITE_POLL_MS: '5', ...extra };
    return ledger === 'sqlite' ? { ...common, WARDEN_LEDGER: 'sqlite' } : { ...common, WARDEN_LEDGER: 'eventstoredb', EVENTSTORE_URL: server!.connectionString };
  }

  beforeAll(async () => {
    if (ledger === 'eventstoredb') server = await EventStoreTestServer.start();
    a = await startControlPlane({ dataDir, env: replicaEnv('replica-a') });
    b = await startControlPlane({ dataDir, env: replicaEnv('replica-b') });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function orgOnBoth(limit: number) {
    const { orgKey, orgId } = await createOrg(new WardenHttp(a.url), ADMIN_TOKEN);
    const onA = new WardenHttp(a.url).withKey(orgKey);
    const onB = new WardenHttp(b.url).withKey(orgKey);
    const set = await onA.post('/api/v1/org/limits', { limit });
    // The token makes B wait until it has seen the org (and its key) before answering.
    expect((await onB.post('/api/v1/devices/validate', { deviceId: 'probe', consistencyToken: set.body.position })).status).toBe(200);
    return { orgId, onA, onB };
  }

  it('admits exactly 20 of 40 concurrent registrations split across the replicas against a cap of 20', async () => {
    const { orgId, onA, onB } = await orgOnBoth(20);
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? onA : onB).post('/api/v1/devices/register', { deviceId: `r-${i}` })),
    );
    expect(answers.filter((answer) => answer.status === 200 && answer.body.status === 'ok')).toHaveLength(20);
    expect(answers.filter((answer) => answer.status === 403 && answer.body.status === 'limit_reached')).toHaveLength(20);
    const events = await a.ledger.readStream(orgStream(orgId));
    expect(events.filter((event) => event.type === 'DeviceRegistered')).toHaveLength(20);
  });

  it('denies on B, with the consistency token, a device revoked on A', async () => {
    const { onA, onB } = await orgOnBoth(5);
    const registered = await onA.post('/api/v1/devices/register', { deviceId: 'x-1' });
    expect(registered.status).toBe(200);
    const revoked = await onA.post('/api/v1/devices/revoke', { deviceId: 'x-1' });

    const answer = await onB.post('/api/v1/devices/validate', { deviceId: 'x-1', consistencyToken: revoked.body.position });

    expect(answer.body).toMatchObject({ allowed: false, code: 'DEVICE_REVOKED' });
    expect(BigInt(answer.body.position)).toBeGreaterThanOrEqual(BigInt(revoked.body.position));
  });

  it('denies on B without the token too, once B has followed the ledger', async () => {
    const { onA, onB } = await orgOnBoth(5);
    await onA.post('/api/v1/devices/register', { deviceId: 'y-1' });
    await onA.post('/api/v1/devices/revoke', { deviceId: 'y-1' });
    const { denial, earlier } = await validateUntilDenied(onB, 'y-1');
    expect(denial.body).toMatchObject({ allowed: false, code: 'DEVICE_REVOKED' });
    expect(earlier.filter((code) => code !== 'ALLOW')).toEqual([]);
  }, FOLLOW_LIMIT_MS + 10_000);

  it('answers 503 not_caught_up when a token is ahead of anything the ledger has', async () => {
    const { orgKey } = await createOrg(new WardenHttp(a.url), ADMIN_TOKEN);
    const impatient = await startControlPlane({ dataDir, env: replicaEnv('replica-c', { WARDEN_CONSISTENCY_WAIT_MS: '100' }) });
    try {
      const onC = new WardenHttp(impatient.url).withKey(orgKey);
      const answer = await onC.post('/api/v1/devices/validate', { deviceId: 'z', consistencyToken: '99999999999' });
      expect([answer.status, answer.body.error]).toEqual([503, 'not_caught_up']);
    } finally {
      await impatient.close();
    }
  });
});
