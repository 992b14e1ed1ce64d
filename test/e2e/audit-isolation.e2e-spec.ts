import { PermissionProjection } from '@warden/projection';
import { seedDecisions, seedDevices } from '../support/audit-ledger.seed';
import { ADMIN_TOKEN, SQLITE, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp } from '../support/http-client';
import { getStatus, openLoop, validateSender } from '../support/open-loop';

const DECISIONS = 25_000;
const BIG_ORG_DEVICES = 100_000;
const RATE = 200;
const LOAD_MS = 5000;
const BASELINE_MS = 2000;
/** The most the reads may add to validate's p99 measured without them, in the same case. */
const P99_BOUND_MS = 50;

type Read = readonly [orgKey: string, path: string];

/**
 * Issue 11: an audit query of one org must not freeze enforcement for every org on the node.
 * An org's admin (or dashboard) runs audit reads back to back while another org's runtime
 * validates at a steady rate, open loop (each request sent on schedule, its latency counted
 * from then): that runtime's validate p99 stays within 50 ms of its p99 without the reads,
 * measured just before in the same case (so a loaded machine moves both). On the code before audit reads
 * were paged and yielding (same machine): history p50 4.7 s, p99 55.5 s, max 66.8 s (an
 * earlier version of this test: p50 1.7 s, p99 2.8 s); decisions and export p50 566 ms, p99
 * 1024 ms; state and list did not finish within the 60 s the case allows. After: p99 9–15 ms
 * on a quiet machine. A timing test on a shared machine: each case prints its figures.
 */
/**
 * A timing test on a shared 2-core machine: a CI run beside other suites once measured a single
 * 450 ms stall (p99 461 ms) in the state-and-list case that neither the case alone nor the next
 * run showed. A failing case runs again (its log is kept); a real regression, such as the
 * seconds-long freezes of the code before, fails every attempt. `npm run bench:audit-turns`
 * measures the longest event-loop turn of each audit read without this noise.
 */
jest.retryTimes(2, { logErrorsBeforeRetry: true });

describe('audit reads beside enforcement', () => {
  let cp: RunningControlPlane;
  let http: WardenHttp;
  let validator: ReturnType<typeof validateSender>;

  async function startWithEnforcedOrg(env: Record<string, string> = {}): Promise<void> {
    cp = await startControlPlane({ env: { ...SQLITE, ...env } });
    http = new WardenHttp(cp.url);
    const enforced = await createOrg(http, ADMIN_TOKEN, { name: 'enforced' });
    await http.withKey(enforced.orgKey).post('/api/v1/devices/register', { deviceId: 'worker-1' });
    validator = validateSender(cp.url, enforced.orgKey, 'worker-1');
  }

  async function stop(): Promise<void> {
    validator.close();
    await cp.close({ removeData: true });
  }

  /**
   * Warms up (JIT, connections), measures validate alone, then runs each lane's reads back to
   * back while validate runs open loop; checks the figures.
   */
  async function expectEnforcementUnaffected(name: string, lanes: ReadonlyArray<readonly Read[]>): Promise<void> {
    const [key, path] = lanes[0]![0]!;
    await Promise.all([getStatus(cp.url, path, { 'x-org-key': key }), openLoop(RATE, 1000, validator.send)]);
    const baseline = await openLoop(RATE, BASELINE_MS, validator.send);
    const load = openLoop(RATE, LOAD_MS, validator.send);
    let finished = false;
    void load.then(() => (finished = true));
    const statuses: number[] = [];
    await Promise.all(
      lanes.map(async (reads) => {
        for (let i = 0; !finished; i++) {
          const [orgKey, readPath] = reads[i % reads.length]!;
          statuses.push(await getStatus(cp.url, readPath, { 'x-org-key': orgKey }));
        }
      }),
    );
    const report = await load;
    process.stdout.write(
      `validate alone: ${JSON.stringify(baseline)}; while ${name}: ${JSON.stringify(report)}; audit answers: ${statuses.length} (${[...new Set(statuses)].join(',')})\n`,
    );
    expect(baseline.failed).toBe(0);
    expect(report.failed).toBe(0);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expect(report.p99).toBeLessThanOrEqual(baseline.p99 + P99_BOUND_MS);
  }

  describe(`on a ledger of ${DECISIONS.toLocaleString()} decision records`, () => {
    let auditorKey: string;
    beforeAll(async () => {
      await startWithEnforcedOrg();
      const audited = await createOrg(http, ADMIN_TOKEN, { name: 'audited' });
      auditorKey = audited.orgKey;
      await http.withKey(audited.orgKey).post('/api/v1/devices/register', { deviceId: 'd7' });
      await seedDecisions(cp.ledger, audited.orgId, { count: DECISIONS, devices: 50 });
    }, 60_000);
    afterAll(stop);

    it(`keeps another org's validate p99 within ${P99_BOUND_MS} ms of its own while device history runs back to back`, async () => {
      const history: Read = [auditorKey, '/api/v1/devices/history?deviceId=d7'];
      await expectEnforcementUnaffected('history ran', [[history], [history]]);
    }, 60_000);

    it(`keeps it within ${P99_BOUND_MS} ms while the decisions query and the export run back to back`, async () => {
      await expectEnforcementUnaffected('decisions and export ran', [[[auditorKey, '/api/v1/audit/decisions?deviceId=nobody']], [[auditorKey, '/api/v1/audit/export']]]);
    }, 60_000);
  });

  describe(`beside an org of ${BIG_ORG_DEVICES.toLocaleString()} devices`, () => {
    let bigKey: string;
    beforeAll(async () => {
      // A generous budget: on a loaded machine, the state of 100,000 devices can take longer than the default 10 s.
      await startWithEnforcedOrg({ WARDEN_AUDIT_QUERY_TIMEOUT_MS: '120000' });
      const big = await createOrg(http, ADMIN_TOKEN, { name: 'big' });
      bigKey = big.orgKey;
      await http.withKey(big.orgKey).post('/api/v1/org/limits', { limit: 2 * BIG_ORG_DEVICES });
      await cp.app.get(PermissionProjection).waitForPosition(await seedDevices(cp.ledger, big.orgId, BIG_ORG_DEVICES));
    }, 120_000);
    afterAll(stop);

    it(`keeps another org's validate p99 within ${P99_BOUND_MS} ms of its own while its state and device list run back to back`, async () => {
      await expectEnforcementUnaffected('state and list ran', [[[bigKey, '/api/v1/devices/list']], [[bigKey, '/api/v1/audit/state?at=9999999999']]]);
    }, 60_000);
  });
});
