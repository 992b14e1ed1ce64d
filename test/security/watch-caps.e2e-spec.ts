import { eventually } from '../support/eventually';
import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp } from '../support/http-client';
import { metricValue } from '../support/metrics-reader';
import { SseReader } from '../support/sse-reader';

const PER_KEY = 3;
const PER_NODE = 5;

/**
 * Issue 11: one key could hold any number of SSE watches (5,000 accepted, about 24 KB and one
 * file descriptor each), enough to take every descriptor of the node from every org. The
 * cases run in order on one node and keep their watches open: each starts where the last left.
 */
describe('watch caps', () => {
  let cp: RunningControlPlane;
  let http: WardenHttp;
  const open: SseReader[] = [];

  beforeAll(async () => {
    cp = await startControlPlane({ env: { WARDEN_WATCH_MAX_PER_KEY: String(PER_KEY), WARDEN_WATCH_MAX: String(PER_NODE) } });
    http = new WardenHttp(cp.url);
  });
  afterAll(async () => {
    for (const watch of open) watch.close();
    await cp?.close({ removeData: true });
  });

  /** A new org with device d-1 and a runtime key. */
  async function org() {
    const created = await createOrg(http, ADMIN_TOKEN);
    const admin = http.withKey(created.orgKey);
    await admin.post('/api/v1/devices/register', { deviceId: 'd-1' });
    const runtimeKey = (await admin.post('/api/v1/org/keys', { scope: 'runtime' })).body.key as string;
    return { ...created, admin, runtimeKey };
  }

  /** Opens a watch that must be accepted: its first permission event has arrived. */
  async function watch(key: string): Promise<SseReader> {
    const reader = await SseReader.open(`${cp.url}/api/v1/devices/watch?deviceId=d-1`, { 'x-org-key': key });
    open.push(reader);
    expect(reader.status).toBe(200);
    await reader.nextJson('permission');
    return reader;
  }

  /** A watch that must be refused at once: its status, headers and JSON body. */
  async function refusedWatch(key: string) {
    const response = await fetch(`${cp.url}/api/v1/devices/watch?deviceId=d-1`, { headers: { accept: 'text/event-stream', 'x-org-key': key } });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: JSON.parse(text) as Record<string, unknown> };
  }

  const watchesOf = (orgId: string) => metricValue(cp.url, 'warden_watches_open', { org: orgId });

  it('holds a key to its cap: the next watch is 429 too_many_watches, in the error contract, and nothing is written', async () => {
    const a = await org();
    for (let i = 0; i < PER_KEY; i++) await watch(a.runtimeKey);
    const head = await cp.ledger.headPosition();

    const refused = await refusedWatch(a.runtimeKey);

    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ status: 'error', error: 'too_many_watches', message: expect.stringMatching(/this key has 3 watches open/) });
    expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
    expect(refused.headers.get('x-content-type-options')).toBe('nosniff');
    expect(refused.headers.get('cache-control')).toBe('no-store');
    expect(await watchesOf(a.orgId)).toBe(PER_KEY);
    expect(await cp.ledger.headPosition()).toBe(head);

    // Another key of the same org has its own allowance.
    await watch(a.orgKey);
    expect(await watchesOf(a.orgId)).toBe(PER_KEY + 1);
  });

  it('still answers a validate from another org while a key is at its cap', async () => {
    const b = await org();
    const answer = await b.admin.post('/api/v1/devices/validate', { deviceId: 'd-1' });
    expect([answer.status, answer.body.allowed, answer.body.code]).toEqual([200, true, 'ALLOW']);
  });

  it('refuses every key once the node holds its cap, and validate still answers', async () => {
    const c = await org();
    await watch(c.runtimeKey);
    expect((await refusedWatch(c.orgKey)).body).toMatchObject({ error: 'too_many_watches', message: expect.stringMatching(/this node holds as many watches as it may \(5\)/) });
    expect((await c.admin.post('/api/v1/devices/validate', { deviceId: 'd-1' })).body).toMatchObject({ allowed: true, code: 'ALLOW' });
  });

  it('frees the slots of closed watches: the key and the node may open again', async () => {
    const d = await org();
    expect((await refusedWatch(d.runtimeKey)).status).toBe(429);
    const [first, second] = open.splice(0, 2);
    expect(await metricValue(cp.url, 'warden_watches_open')).toBe(PER_NODE);
    first!.close();
    second!.close();
    await eventually(() => metricValue(cp.url, 'warden_watches_open'), (now) => now === PER_NODE - 2, { timeoutMs: 5000, intervalMs: 20, what: 'two slots freed' });

    await watch(d.runtimeKey);
    await watch(d.runtimeKey);
    expect((await refusedWatch(d.runtimeKey)).status).toBe(429);
  });
});
