import { SqliteEventLedger } from '@warden/ledger';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ChildLines } from '../support/child-lines';
import { ADMIN_TOKEN, SQLITE, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp } from '../support/http-client';

const run = promisify(execFile);
const WARDEN = join(__dirname, '../../scripts/warden.mjs');
/**
 * Far longer than a CLI process takes to start and poll once on a loaded machine: the --wait
 * test acks after that first poll, before the deadline. The lagging test runs its own control
 * plane with a short one.
 */
const ACK_DEADLINE_MS = 60_000;
const SHORT_ACK_DEADLINE_MS = 1500;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Proof of propagation from the operator's side: `warden propagation` over the HTTP API of a
 * real control plane (devices kept live by validating, acks over HTTP), the acks in a device's
 * history (HTTP and `warden audit history`), and `warden audit replay` checking every ack of
 * the ledger the control plane wrote, then of one with a forged ack.
 */
describe('proof of propagation in the warden CLI and the audit', () => {
  let cp: RunningControlPlane;
  let org: WardenHttp;
  let orgId: string;
  let orgKey: string;
  let keyId: string;
  let open = true;

  async function warden(args: readonly string[], target: { url: string; key: string } = { url: cp.url, key: orgKey }): Promise<Run> {
    const childEnv = { ...process.env, WARDEN_URL: target.url, WARDEN_ORG_KEY: target.key, WARDEN_DATA_DIR: cp.dataDir, WARDEN_LEDGER: 'sqlite' };
    let result: Run;
    try {
      const { stdout, stderr } = await run(process.execPath, [WARDEN, ...args], { env: childEnv });
      result = { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      result = { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
    expect(result.stdout + result.stderr).not.toContain(target.key);
    return result;
  }

  /** Validates the devices (so each is live: a target of the next change) and runs `change`; waits until this node's relay knows the change. */
  async function changeLive(deviceIds: readonly string[], change: () => Promise<{ status: number; body: any }>, as: WardenHttp = org): Promise<string> {
    for (const deviceId of deviceIds) expect((await as.post('/api/v1/devices/validate', { deviceId })).body.allowed).toBe(true);
    const answer = await change();
    expect(answer.status).toBe(200);
    const position = answer.body.position as string;
    for (let known = false; !known; ) known = (await as.get(`/api/v1/propagation?position=${position}`)).status === 200;
    return position;
  }

  const revokeLive = (deviceId: string, as: WardenHttp = org) => changeLive([deviceId], () => as.post('/api/v1/devices/revoke', { deviceId }), as);

  const ack = async (deviceId: string, position: string, transport: 'nats' | 'sse' = 'sse') => {
    const now = new Date().toISOString();
    const answer = await org.post('/api/v1/devices/ack', { deviceId, position, receivedAt: now, stoppedAt: now, transport });
    expect(answer.body).toMatchObject({ status: 'ok', duplicate: false });
  };

  beforeAll(async () => {
    cp = await startControlPlane({ env: { ...SQLITE, WARDEN_ACK_DEADLINE_MS: String(ACK_DEADLINE_MS) } });
    const http = new WardenHttp(cp.url);
    ({ orgId, orgKey, keyId } = await createOrg(http, ADMIN_TOKEN, { planTier: 'pro' }));
    org = http.withKey(orgKey);
    for (const deviceId of ['p1', 'p2']) await org.post('/api/v1/devices/register', { deviceId, labels: { team: 'red' } });
    for (const deviceId of ['p3', 'idle']) await org.post('/api/v1/devices/register', { deviceId });
    // Builds the CLI if needed (slow on a loaded machine), so the tests below time the CLI, not the build.
    expect((await warden(['--version'])).code).toBe(0);
  }, 300_000);
  afterAll(async () => {
    if (open) await cp.close({ removeData: true });
  });

  describe('warden propagation <position>', () => {
    it('prints the report as a table and exits 1 while a target is pending, 0 once the last one acked; --json prints the API answer', async () => {
      const position = await changeLive(['p1', 'p2'], () => org.post('/api/v1/locks', { selector: { labels: { team: 'red' } }, reason: 'drill' }));
      await ack('p1', position);
      const pending = await warden(['propagation', position]);
      expect(pending.code).toBe(1);
      expect(pending.stdout).toMatch(/^position\s+\d+$/m);
      expect(pending.stdout).toMatch(/^event\s+LockPlaced$/m);
      expect(pending.stdout).toMatch(/^targets\s+2$/m);
      expect(pending.stdout).toMatch(/^acked\s+1$/m);
      expect(pending.stdout).toMatch(/^complete\s+no$/m);
      expect(pending.stdout).toMatch(/^DEVICE\s+STATE$/m);
      expect(pending.stdout).toMatch(/^p2\s+(pending|lagging)$/m);

      await ack('p2', position, 'nats');
      const complete = await warden(['propagation', position, '--json']);
      expect(complete.code).toBe(0);
      expect(JSON.parse(complete.stdout)).toMatchObject({
        status: 'ok',
        propagation: { position, eventType: 'LockPlaced', targets: 2, acked: 2, pending: [], lagging: [], complete: true },
      });
      const table = await warden(['propagation', position]);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(/^complete\s+yes$/m);
      expect(table.stdout).toMatch(/^latency\s+p50 \d+ ms, p90 \d+ ms, p99 \d+ ms, max \d+ ms$/m);
      expect(table.stdout).not.toContain('DEVICE');
    }, 120_000);

    it('--wait shows the acks arriving and exits 0 when the last one arrives', async () => {
      const position = await revokeLive('p3');
      const child = new ChildLines(process.execPath, [WARDEN, 'propagation', position, '--wait'], {
        cwd: process.cwd(),
        env: { ...process.env, WARDEN_URL: cp.url, WARDEN_ORG_KEY: orgKey },
      });
      try {
        await child.waitFor(/^acked 0\/1, 1 pending$/);
        await ack('p3', position);
        expect(await child.exited).toBe(0);
        expect(child.lines).toContain('acked 1/1, 0 pending');
        expect(child.lines.some((line) => /^complete\s+yes$/.test(line))).toBe(true);
      } finally {
        child.kill();
      }
    }, 120_000);

    it('--wait ends at the ack deadline with exit 1, naming the lagging target', async () => {
      const short = await startControlPlane({ env: { WARDEN_ACK_DEADLINE_MS: String(SHORT_ACK_DEADLINE_MS) } });
      try {
        const http = new WardenHttp(short.url);
        const other = await createOrg(http, ADMIN_TOKEN);
        const otherOrg = http.withKey(other.orgKey);
        await otherOrg.post('/api/v1/devices/register', { deviceId: 'p4' });
        const position = await revokeLive('p4', otherOrg);
        const started = Date.now();
        const waited = await warden(['propagation', position, '--wait', '--json'], { url: short.url, key: other.orgKey });
        expect(waited.code).toBe(1);
        expect(JSON.parse(waited.stdout).propagation).toMatchObject({ targets: 1, acked: 0, pending: ['p4'], lagging: ['p4'], complete: false });
        expect(Date.now() - started).toBeLessThan(60_000);
      } finally {
        await short.close({ removeData: true });
      }
    }, 120_000);

    it('exits 1 for a change the control plane does not know (also with --wait, after a moment), and 2 for a position that is no position or a bad --timeout', async () => {
      const unknown = await warden(['propagation', '999999999']);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('change_not_known');
      const bad = await warden(['propagation', 'latest']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('the position must be a ledger position');
      const noTime = await warden(['propagation', '12', '--wait', '--timeout', '0']);
      expect(noTime.code).toBe(2);
      expect(noTime.stderr).toContain('--timeout must be a number of seconds above 0');
      // --wait gives a change the node has not processed yet a moment, then gives up on it.
      const neverKnown = await warden(['propagation', '999999999', '--wait']);
      expect(neverKnown.code).toBe(1);
      expect(neverKnown.stderr).toContain('change_not_known');
    }, 120_000);
  });

  describe("a device's history", () => {
    it('GET devices/history lists its acks in ledger order, with the acked position, times, transport and actor', async () => {
      const answer = await org.get('/api/v1/devices/history?deviceId=p2');
      expect(answer.status).toBe(200);
      const types = (answer.body.events as Array<{ type: string }>).map((entry) => entry.type);
      expect(types.slice(0, 2)).toEqual(['DeviceRegistered', 'PermissionDecided']);
      expect(types.slice(-2)).toEqual(['LockPlaced', 'PermissionAcknowledged']);
      const lock = answer.body.events.at(-2);
      const acked = answer.body.events.at(-1);
      expect(acked).toMatchObject({ streamId: expect.stringMatching(/^acks-/), at: acked.data.recordedAt, actor: keyId });
      expect(acked.data).toMatchObject({ orgId, deviceId: 'p2', position: lock.position, transport: 'nats', stoppedAt: expect.any(String), receivedAt: expect.any(String) });
      expect(BigInt(acked.position)).toBeGreaterThan(BigInt(lock.position));
    });
  });

  describe('warden audit (on the ledger the control plane wrote)', () => {
    beforeAll(async () => {
      await cp.close();
      open = false;
    });

    it('audit history prints the ack line', async () => {
      const history = await warden(['audit', 'history', '--org', orgId, '--device', 'p3']);
      expect(history.code).toBe(0);
      expect(history.stdout).toMatch(/\tPermissionAcknowledged\tack of position \d+: received at \S+, stopped at \S+ via sse \(by \S+\)$/m);
    }, 120_000);

    it('audit replay checks every ack, then names a forged ack written straight into the ledger and exits 1', async () => {
      const good = await warden(['audit', 'replay', '--json']);
      expect(good.code).toBe(0);
      expect(JSON.parse(good.stdout)).toMatchObject({ acks: 3, unexpectedAcks: [], mismatches: [], chainBreaks: [] });

      const ledger = await SqliteEventLedger.open({ path: join(cp.dataDir, 'ledger.sqlite') });
      let forgedAt: bigint;
      let revokedP3: string;
      try {
        const events = await ledger.readAll({ streamPrefixes: ['org-'] });
        revokedP3 = events.find((event) => event.type === 'DeviceRevoked' && (event.data as { deviceId: string }).deviceId === 'p3')!.position.toString();
        const at = new Date().toISOString();
        const data = { orgId, deviceId: 'idle', position: revokedP3, receivedAt: at, stoppedAt: at, transport: 'sse', recordedAt: at };
        const forged = { eventId: 'forged-ack-1', type: 'PermissionAcknowledged', data, metadata: { actor: 'rt_x', correlationId: 'forged' } };
        forgedAt = (await ledger.append('acks-forged', [forged], { expectedRevision: 'no_stream' })).position;
      } finally {
        await ledger.close();
      }
      const bad = await warden(['audit', 'replay']);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain('acks checked: 4, acks that answer no change of their device: 1');
      expect(bad.stdout).toContain(`UNEXPECTED ACK acks-forged revision 0 at ${forgedAt}: device idle of org ${orgId}, position ${revokedP3}`);
      expect(bad.stdout).toContain(`the DeviceRevoked at ${revokedP3} did not change the permission of idle`);
    }, 120_000);
  });
});
