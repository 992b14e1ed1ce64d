import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultAuditIndexPath } from '@warden/audit';
import { DECISIONS_STREAM_PREFIX, type EventLedger } from '@warden/ledger';
import { AuditIndexService } from '../../apps/control-plane/src/lifecycle/audit-index.service';
import { seedDecisions } from '../support/audit-ledger.seed';
import { ADMIN_TOKEN, SQLITE, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp } from '../support/http-client';
import { getRaw } from '../support/open-loop';

const NODE = 'index-node';

/** Position of the newest decision record (what the index must have reached). */
async function lastDecision(ledger: EventLedger): Promise<bigint> {
  let last = 0n;
  for (;;) {
    const page = await ledger.readAll({ after: last, streamPrefixes: [DECISIONS_STREAM_PREFIX], limit: 5000 });
    if (page.length === 0) return last;
    last = page[page.length - 1].position;
  }
}

describe('audit reads through the audit index', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-audit-index-'));
  const indexPath = defaultAuditIndexPath(dataDir, NODE);
  let cp: RunningControlPlane | undefined;
  let orgKey: string;
  let from: string;
  let to: string;

  const start = async (extra: Record<string, string> = {}) => {
    cp = await startControlPlane({ dataDir, env: { ...SQLITE, WARDEN_NODE_ID: NODE, ...extra } });
    return cp;
  };
  const stop = async () => {
    await cp?.close();
    cp = undefined;
  };
  afterAll(async () => {
    await stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Every audit answer the index serves, as text. */
  async function answers(): Promise<Record<string, string>> {
    const get = async (path: string) => {
      const answer = await getRaw(cp!.url, path, { 'x-org-key': orgKey });
      expect(answer.status).toBe(200);
      return answer.text;
    };
    const pages: string[] = [];
    let cursor = '';
    do {
      const page = await get(`/api/v1/audit/decisions?deviceId=d1&limit=70${cursor}`);
      pages.push(page);
      const next = JSON.parse(page).nextCursor as string | null;
      cursor = next === null ? '' : `&cursor=${next}`;
    } while (cursor !== '');
    return {
      history: await get('/api/v1/devices/history?deviceId=d1'),
      historyOfLive: await get('/api/v1/devices/history?deviceId=live-1'),
      devicePages: pages.join('\n'),
      range: await get(`/api/v1/audit/decisions?from=${from}&to=${to}&limit=1000`),
      denied: await get('/api/v1/audit/decisions?allowed=false&limit=1000'),
      export: await get('/api/v1/audit/export'),
      rangeExport: await get(`/api/v1/audit/export?from=${from}&to=${to}`),
    };
  }

  let withIndex: Record<string, string>;

  it('answers history, decisions and export from the index once it has caught up, reading the ledger only for what it returns', async () => {
    const node = await start();
    const http = new WardenHttp(node.url);
    const org = await createOrg(http, ADMIN_TOKEN);
    const other = await createOrg(http, ADMIN_TOKEN);
    orgKey = org.orgKey;
    // Another org's records around this org's: the index must never mix them in.
    await seedDecisions(node.ledger, other.orgId, { count: 1500, devices: 4, nodeId: 'old-a' });
    await seedDecisions(node.ledger, org.orgId, { count: 900, devices: 3, nodeId: 'old-b' });
    const live = http.withKey(orgKey);
    await live.post('/api/v1/devices/register', { deviceId: 'live-1' });
    from = new Date().toISOString();
    for (let i = 0; i < 5; i++) await live.post('/api/v1/devices/validate', { deviceId: 'live-1' });
    await live.post('/api/v1/devices/revoke', { deviceId: 'live-1' });
    for (let i = 0; i < 3; i++) await live.post('/api/v1/devices/validate', { deviceId: 'live-1' });
    to = new Date().toISOString();
    await node.app.get(AuditIndexService).reached(await lastDecision(node.ledger));
    expect(existsSync(indexPath)).toBe(true);

    const readAll = jest.spyOn(node.ledger, 'readAll');
    withIndex = await answers();
    // Audit pages of the decision streams (64 rows; the node's subscriptions read bigger pages): scanning would read the
    // 2,400+ decision records in about 40 of them per query; through the index a query reads one page of tail.
    const auditPages = readAll.mock.calls.filter(([options]) => options?.limit === 64 && options.streamPrefixes?.includes(DECISIONS_STREAM_PREFIX));
    expect(auditPages.length).toBeLessThanOrEqual(12);
    readAll.mockRestore();
    expect(JSON.parse(withIndex.history).events.filter((e: { type: string }) => e.type === 'PermissionDecided')).toHaveLength(300);
    expect(JSON.parse(withIndex.historyOfLive).events.filter((e: { type: string }) => e.type === 'PermissionDecided')).toHaveLength(8);
    expect(JSON.parse(withIndex.range).decisions).toHaveLength(8);
    expect(JSON.parse(withIndex.denied).decisions).toHaveLength(3);
    await stop();
  }, 60_000);

  it('answers the same without the index (WARDEN_DECISION_INDEX_PATH=off)', async () => {
    await start({ WARDEN_DECISION_INDEX_PATH: 'off' });
    expect(await answers()).toEqual(withIndex);
    await stop();
  }, 60_000);

  it('rebuilds an index file that is garbage, answering the same meanwhile and after', async () => {
    writeFileSync(indexPath, Buffer.alloc(64 * 1024, 0x5a));
    const node = await start();
    expect(await answers()).toEqual(withIndex);
    await node.app.get(AuditIndexService).reached(await lastDecision(node.ledger));
    expect(await answers()).toEqual(withIndex);
    await stop();
  }, 60_000);
});
