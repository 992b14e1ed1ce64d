import { abortReason } from './testing/abort-reason';
import { deny, FakeControlPlane, permission, TEST_KEY, TEST_ORG } from './testing/fake-control-plane';
import type { Lease } from './lease';
import { ControlPlaneStale, ExecutionDenied, LeaseClosed } from './sdk.errors';
import { WardenClient } from './warden-client';

const VALIDATE = '/api/v1/devices/validate';

describe('a lease watching over SSE', () => {
  let fake: FakeControlPlane;
  let client: WardenClient;
  let lease: Lease | undefined;

  beforeEach(async () => {
    fake = await FakeControlPlane.start();
    fake.current.set('agent-1', permission({ allowed: true, position: '10' }));
    client = new WardenClient({ baseUrl: fake.url, orgKey: TEST_KEY });
  });
  afterEach(async () => {
    await lease?.close();
    lease = undefined;
    await fake.close();
  });

  async function start(maxStalenessMs = 60_000): Promise<Lease> {
    const connected = fake.nextWatchConnection();
    lease = await client.start({ deviceId: 'agent-1', watch: 'sse', maxStalenessMs });
    await connected;
    return lease;
  }

  it('starts after register and validate, watching with the key header', async () => {
    const started = await start();

    expect(started).toMatchObject({ active: true, transport: 'sse', deviceId: 'agent-1', orgId: TEST_ORG });
    expect(fake.requests.map((r) => r.path)).toEqual(['/api/v1/devices/register', VALIDATE, '/api/v1/devices/watch']);
    const watch = fake.requests[2]!;
    expect(watch.query.get('deviceId')).toBe('agent-1');
    expect(watch.headers['x-org-key']).toBe(TEST_KEY);
  });

  describe('when a deny is pushed', () => {
    it('aborts the signal with ExecutionDenied carrying the code', async () => {
      const started = await start();

      fake.push(permission({ allowed: false, code: 'DEVICE_REVOKED', position: '11' }));
      const reason = await abortReason(started.signal);

      expect(reason).toBeInstanceOf(ExecutionDenied);
      expect(reason).toMatchObject({ code: 'DEVICE_REVOKED' });
      expect(started).toMatchObject({ active: false, deniedCode: 'DEVICE_REVOKED' });
    });

    it('then refuses guarded work without calling it or the control plane', async () => {
      const started = await start();
      fake.push(permission({ allowed: false, code: 'DEVICE_REVOKED', position: '11' }));
      await abortReason(started.signal);
      const validations = fake.count(VALIDATE);
      const work = jest.fn();

      await expect(started.guard(work)).rejects.toMatchObject({ code: 'DEVICE_REVOKED' });

      expect(work).not.toHaveBeenCalled();
      expect(fake.count(VALIDATE)).toBe(validations);
    });

    it('aborts on an org-wide deny (deviceId null)', async () => {
      const started = await start();

      fake.push(permission({ deviceId: null, allowed: false, code: 'ORG_SUSPENDED', position: '11' }));

      await expect(abortReason(started.signal)).resolves.toMatchObject({ code: 'ORG_SUSPENDED' });
    });
  });

  describe('messages it must not act on', () => {
    it('ignores old positions, other devices, other orgs and malformed payloads', async () => {
      const started = await start();
      fake.push(permission({ allowed: true, position: '20' }));

      fake.push(permission({ allowed: false, code: 'DEVICE_REVOKED', position: '20' }));
      fake.push(permission({ allowed: false, code: 'DEVICE_REVOKED', position: '15' }));
      fake.push(permission({ deviceId: 'agent-2', allowed: false, code: 'DEVICE_REVOKED', position: '30' }));
      fake.push(permission({ orgId: 'org-2', deviceId: null, allowed: false, code: 'ORG_SUSPENDED', position: '30' }));
      fake.broadcast('permission', '{not json');
      fake.broadcast('permission', JSON.stringify({ orgId: TEST_ORG, deviceId: 'agent-1', allowed: false, code: 'DEVICE_REVOKED' }));
      fake.push(permission({ allowed: false, code: 'LIMIT_EXCEEDED', position: '21' }));

      // Events of one stream are handled in order: had any earlier deny counted, it would be the reason.
      await expect(abortReason(started.signal)).resolves.toMatchObject({ code: 'LIMIT_EXCEEDED' });
    });

    it('ignores messages at or before the position its validation was decided at', async () => {
      const started = await start();

      fake.push(permission({ allowed: false, code: 'DEVICE_NOT_REGISTERED', position: '9' }));
      fake.push(permission({ deviceId: null, allowed: false, code: 'ORG_SUSPENDED', position: '10' }));
      fake.push(permission({ allowed: false, code: 'DEVICE_REVOKED', position: '11' }));

      await expect(abortReason(started.signal)).resolves.toMatchObject({ code: 'DEVICE_REVOKED' });
    });
  });

  describe('when the stream ends', () => {
    it('reconnects and acts on the current state it is sent', async () => {
      const started = await start();
      const reconnected = fake.nextWatchConnection();

      fake.current.set('agent-1', permission({ allowed: false, code: 'DEVICE_REVOKED', position: '12' }));
      fake.endStreams();
      await reconnected;

      await expect(abortReason(started.signal)).resolves.toMatchObject({ code: 'DEVICE_REVOKED' });
      expect(fake.count('/api/v1/devices/watch')).toBe(2);
    });
  });

  describe('staleness', () => {
    it('stays alive while heartbeats arrive, and fails closed with ControlPlaneStale when they stop', async () => {
      fake.startHeartbeats(50);
      const startedAt = performance.now();
      const started = await start(400);
      const reason = abortReason(started.signal);

      await fake.heartbeatsSent(20);
      expect(performance.now() - startedAt).toBeGreaterThan(800);
      expect(started.active).toBe(true);
      fake.goSilent();

      const stale = await reason;
      expect(stale).toBeInstanceOf(ControlPlaneStale);
      expect((stale as ControlPlaneStale).silentMs).toBeGreaterThan(400);
      expect((stale as Error).message).toMatch(/control plane silent for \d+ ms/);
    });
  });

  describe('guard', () => {
    it('validates, then runs the work with the lease signal and answers its result', async () => {
      const started = await start();
      const validations = fake.count(VALIDATE);

      const result = await started.guard((signal) => (signal === started.signal ? 'done' : 'wrong signal'));

      expect(result).toBe('done');
      expect(fake.count(VALIDATE)).toBe(validations + 1);
    });

    it('does not run the work when the validation is denied, and ends the lease', async () => {
      const started = await start();
      fake.answers.set(`POST ${VALIDATE}`, { status: 200, body: deny('DEVICE_REVOKED', '11') });
      const work = jest.fn();

      await expect(started.guard(work)).rejects.toMatchObject({ code: 'DEVICE_REVOKED' });

      expect(work).not.toHaveBeenCalled();
      expect(started.deniedCode).toBe('DEVICE_REVOKED');
    });

    it('does not run the work when the validation cannot be completed', async () => {
      const started = await start();
      fake.answers.set(`POST ${VALIDATE}`, { status: 503, body: { status: 'error', error: 'ledger_unavailable', message: 'down' } });
      const work = jest.fn();

      const error = await started.guard(work).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(ExecutionDenied);
      expect(error).toMatchObject({ code: 'CONTROL_PLANE_UNAVAILABLE', cause: { code: 'ledger_unavailable' } });
      expect(work).not.toHaveBeenCalled();
      expect(started.active).toBe(true);
    });
  });

  describe('close', () => {
    it('aborts with LeaseClosed and refuses work from then on', async () => {
      const started = await start();

      await started.close();

      expect(started.reason).toBeInstanceOf(LeaseClosed);
      await expect(started.guard(jest.fn())).rejects.toMatchObject({ code: 'LEASE_CLOSED' });
    });
  });
});
