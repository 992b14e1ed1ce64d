import { request, type ClientRequest } from 'node:http';
import { AuditQueryGate, yieldToEventLoop } from '@warden/audit';
import { DECISIONS_STREAM_PREFIX, type ReadAllOptions } from '@warden/ledger';
import { seedDecisions } from '../support/audit-ledger.seed';
import { ADMIN_TOKEN, SQLITE, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp, type JsonResponse } from '../support/http-client';

/** Larger than every socket buffer between server and client on loopback, so an unread export stalls. */
const DECISIONS = 30_000;

/** An export whose answer is never read: it holds its audit query open until `close()`. */
async function holdExport(baseUrl: string, orgKey: string): Promise<{ status: number; close: () => void }> {
  let req: ClientRequest;
  const status = await new Promise<number>((resolve, reject) => {
    req = request(new URL('/api/v1/audit/export', baseUrl), { headers: { 'x-org-key': orgKey } }, (res) => {
      res.pause();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', reject);
    req.end();
  });
  return { status, close: () => req.destroy() };
}

function expectErrorContract(response: JsonResponse, httpStatus: number, error: string): void {
  expect(response.status).toBe(httpStatus);
  expect(response.body).toEqual({ status: 'error', error, message: expect.any(String) });
  expect(JSON.stringify(response.body)).not.toMatch(/\bat .*\.(ts|js):\d+/);
  expect(response.headers.get('content-type')).toContain('application/json');
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('cache-control')).toBe('no-store');
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

describe('audit query caps', () => {
  let cp: RunningControlPlane;
  let http: WardenHttp;
  let gate: AuditQueryGate;
  let a: { orgId: string; orgKey: string };
  let b: { orgId: string; orgKey: string };
  let c: { orgId: string; orgKey: string };

  beforeAll(async () => {
    cp = await startControlPlane({ env: { ...SQLITE, WARDEN_AUDIT_MAX_QUERIES_PER_ORG: '1', WARDEN_AUDIT_MAX_QUERIES: '2', WARDEN_AUDIT_QUERY_TIMEOUT_MS: '60000' } });
    http = new WardenHttp(cp.url);
    gate = cp.app.get(AuditQueryGate);
    [a, b, c] = [await createOrg(http, ADMIN_TOKEN), await createOrg(http, ADMIN_TOKEN), await createOrg(http, ADMIN_TOKEN)];
    await seedDecisions(cp.ledger, a.orgId, { count: DECISIONS, devices: 10, nodeId: 'seed-a' });
    await seedDecisions(cp.ledger, b.orgId, { count: DECISIONS, devices: 10, nodeId: 'seed-b' });
  }, 60_000);
  afterAll(() => cp.close({ removeData: true }));

  it('answers 429 too_many_queries (with retry-after) to an org that already runs its most queries, and serves other orgs', async () => {
    const held = await holdExport(cp.url, a.orgKey);
    try {
      expect([held.status, gate.running(a.orgId)]).toEqual([200, 1]);
      for (const path of ['/api/v1/devices/history?deviceId=d1', '/api/v1/audit/decisions', '/api/v1/audit/state?at=1', '/api/v1/audit/export', '/api/v1/devices/list']) {
        const refused = await http.withKey(a.orgKey).get(path);
        expectErrorContract(refused, 429, 'too_many_queries');
        expect(refused.body.message).toContain('this org');
        expect(refused.headers.get('retry-after')).toBe('1');
      }
      expect((await http.withKey(c.orgKey).get('/api/v1/devices/list')).status).toBe(200);
    } finally {
      held.close();
    }
    await until(() => gate.running() === 0);
    expect((await http.withKey(a.orgKey).get('/api/v1/devices/history?deviceId=d1')).status).toBe(200);
  }, 60_000);

  it('answers 429 too_many_queries to every org once the node runs its most queries', async () => {
    const held = [await holdExport(cp.url, a.orgKey), await holdExport(cp.url, b.orgKey)];
    try {
      expect(gate.running()).toBe(2);
      const refused = await http.withKey(c.orgKey).get('/api/v1/devices/list');
      expectErrorContract(refused, 429, 'too_many_queries');
      expect(refused.body.message).toContain('this node');
      // Enforcement is never capped.
      expect((await http.withKey(c.orgKey).post('/api/v1/devices/validate', { deviceId: 'x' })).body.code).toBe('DEVICE_NOT_REGISTERED');
    } finally {
      for (const export_ of held) export_.close();
    }
    await until(() => gate.running() === 0);
    expect((await http.withKey(c.orgKey).get('/api/v1/devices/list')).status).toBe(200);
  }, 60_000);
});

describe('audit query budget', () => {
  let cp: RunningControlPlane;
  let audited: WardenHttp;
  let decisionPageReads: number;

  beforeAll(async () => {
    // The scans are what is stopped here: no audit index (its follower reads the decision streams too).
    cp = await startControlPlane({ env: { ...SQLITE, WARDEN_AUDIT_QUERY_TIMEOUT_MS: '1', WARDEN_DECISION_INDEX_PATH: 'off' } });
    const http = new WardenHttp(cp.url);
    const org = await createOrg(http, ADMIN_TOKEN);
    audited = http.withKey(org.orgKey);
    await seedDecisions(cp.ledger, org.orgId, { count: DECISIONS, devices: 10 });
    const readAll = cp.ledger.readAll.bind(cp.ledger);
    decisionPageReads = 0;
    jest.spyOn(cp.ledger, 'readAll').mockImplementation((options?: ReadAllOptions) => {
      if (options?.streamPrefixes?.includes(DECISIONS_STREAM_PREFIX)) decisionPageReads++;
      return readAll(options);
    });
  }, 60_000);
  afterAll(() => cp.close({ removeData: true }));

  /** Lets a few audit turns go by: a scan still running would read a page in each. */
  async function scansStopped(): Promise<void> {
    const reads = decisionPageReads;
    for (let i = 0; i < 5; i++) await yieldToEventLoop();
    expect(decisionPageReads).toBe(reads);
    expect(cp.app.get(AuditQueryGate).running()).toBe(0);
  }

  it.each(['/api/v1/devices/history?deviceId=d1', '/api/v1/audit/decisions?deviceId=nobody'])(
    'answers %s past its budget with 503 query_timeout, and the scan stops',
    async (path) => {
      const response = await audited.get(path);
      expectErrorContract(response, 503, 'query_timeout');
      expect(response.body.message).toContain('budget of 1 ms');
      await scansStopped();
    },
  );

  it('ends an export that runs out of budget after its headers with one NDJSON error line', async () => {
    const response = await audited.get('/api/v1/audit/export');
    expect(response.status).toBe(200);
    const lines = String(response.body).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ type: 'OrgCreated' });
    expect(lines.length).toBeLessThan(DECISIONS);
    expect(lines[lines.length - 1]).toEqual({ status: 'error', error: 'query_timeout', message: expect.stringContaining('budget of 1 ms') });
    expect(lines.slice(0, -1).every((line) => line.status === undefined && typeof line.position === 'string')).toBe(true);
    await scansStopped();
  });
});
