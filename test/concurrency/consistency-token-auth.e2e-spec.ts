import { PermissionProjection } from '@warden/projection';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp } from '../support/http-client';

jest.setTimeout(120_000);

/**
 * The consistency token must close replica lag for the caller's key as well as for the
 * device: B has to authenticate against a state that includes the token's position. Found by
 * the interleaving property (replica-interleavings): B answered 401 invalid_key for the key of
 * an org just created on A although the validate carried A's position; and, the other way
 * round, B accepts a key revoked on A although the request carries the revocation's position.
 *
 * Fixed: the validate handler and OrgKeyGuard now wait for the projection to reach the
 * token (reachConsistencyToken, the one wait of a request's token, bounded by
 * ConsistencyWaits) before they authenticate the key.
 *
 * B polls the shared SQLite file only every 1.5 s here, so it is reliably behind A when asked.
 */
describe('consistency token and key authentication across replicas', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-token-auth-'));
  let a: RunningControlPlane;
  let b: RunningControlPlane;

  beforeAll(async () => {
    a = await startControlPlane({ dataDir, env: { WARDEN_LEDGER: 'sqlite', WARDEN_NODE_ID: 'token-a', WARDEN_SQLITE_POLL_MS: '5' } });
    b = await startControlPlane({ dataDir, env: { WARDEN_LEDGER: 'sqlite', WARDEN_NODE_ID: 'token-b', WARDEN_SQLITE_POLL_MS: '1500', WARDEN_CONSISTENCY_WAIT_MS: '10000' } });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A registered device on a fresh org, a runtime key for it, and B caught up with all of it. */
  async function orgKnownToB() {
    const { orgKey } = await createOrg(new WardenHttp(a.url), ADMIN_TOKEN);
    const onA = new WardenHttp(a.url).withKey(orgKey);
    const runtime = (await onA.post('/api/v1/org/keys', { scope: 'runtime' })).body;
    expect((await onA.post('/api/v1/devices/register', { deviceId: 'dev-1' })).status).toBe(200);
    await b.app.get(PermissionProjection).waitForPosition((await a.ledger.headPosition())!);
    return { orgKey, onA, runtime };
  }

  it.each(['POST', 'GET'])('authenticates (%s validate on B) a key created on A when the request carries the position that created it', async (method) => {
    const { orgKey } = await createOrg(new WardenHttp(a.url), ADMIN_TOKEN);
    const onA = new WardenHttp(a.url).withKey(orgKey);
    expect((await onA.post('/api/v1/devices/register', { deviceId: 'fresh-1' })).status).toBe(200);
    const revoked = await onA.post('/api/v1/devices/revoke', { deviceId: 'fresh-1' });

    const onB = new WardenHttp(b.url).withKey(orgKey);
    const answer =
      method === 'POST'
        ? await onB.post('/api/v1/devices/validate', { deviceId: 'fresh-1', consistencyToken: revoked.body.position })
        : await onB.get(`/api/v1/devices/validate?deviceId=fresh-1&consistencyToken=${revoked.body.position}`);

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ allowed: false, code: 'DEVICE_REVOKED' });
  });

  it.each(['POST', 'GET'])('refuses (%s validate on B) a key revoked on A when the request carries the revocation position', async (method) => {
    const { onA, runtime } = await orgKnownToB();
    const onB = new WardenHttp(b.url).withKey(runtime.key);
    expect((await onB.post('/api/v1/devices/validate', { deviceId: 'dev-1' })).body.allowed).toBe(true);
    expect((await onA.post('/api/v1/org/keys/revoke', { keyId: runtime.keyId })).status).toBe(200);
    const position = (await a.ledger.headPosition())!.toString();

    const answer =
      method === 'POST'
        ? await onB.post('/api/v1/devices/validate', { deviceId: 'dev-1', consistencyToken: position })
        : await onB.get(`/api/v1/devices/validate?deviceId=dev-1&consistencyToken=${position}`);

    expect([answer.status, answer.body.error, answer.body.allowed]).toEqual([401, 'invalid_key', undefined]);
  });

  it('control: once B has caught up by itself, it refuses the revoked key', async () => {
    const { onA, runtime } = await orgKnownToB();
    expect((await onA.post('/api/v1/org/keys/revoke', { keyId: runtime.keyId })).status).toBe(200);
    await b.app.get(PermissionProjection).waitForPosition((await a.ledger.headPosition())!);
    const answer = await new WardenHttp(b.url).withKey(runtime.key).post('/api/v1/devices/validate', { deviceId: 'dev-1' });
    expect([answer.status, answer.body.error]).toEqual([401, 'invalid_key']);
  });
});
