import { ConsistencyWaits } from '@warden/enforcement';
import { PermissionProjection } from '@warden/projection';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { eventually } from '../support/eventually';
import { settledHeapMb } from '../fuzz/support/response-oracle';
import { startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { hasMetric, metricValue } from '../support/metrics-reader';
import { pipelinedFlood } from '../support/pipelined-http';

jest.setTimeout(60_000);

/** Issue 11: a well-formed but unknown key, and a token no replica will reach for ages. */
const UNKNOWN_KEY = `org_${'A'.repeat(32)}`;
const FAR_BODY = JSON.stringify({ deviceId: 'x', consistencyToken: '9223372036854775807' });
const FLOOD = 100_000;
const RAW_REQUEST =
  'POST /api/v1/devices/validate HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n' +
  `x-org-key: ${UNKNOWN_KEY}\r\ncontent-length: ${Buffer.byteLength(FAR_BODY)}\r\n\r\n${FAR_BODY}`;
const HEAP_GROWTH_BOUND_MB = 25;

interface Answer {
  readonly status: number;
  readonly text: string;
}

/**
 * One validate with a far token and the unknown key: `POST` with FAR_BODY (answered by the
 * fast path) or the legacy `GET` (through Fastify and OrgKeyGuard). `onRequest` gets the
 * request, to abandon it.
 */
function validateFar(port: number, method: 'POST' | 'GET', onRequest?: (request: ClientRequest) => void): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const post = method === 'POST';
    const path = post ? '/api/v1/devices/validate' : '/api/v1/devices/validate?deviceId=x&consistencyToken=9223372036854775807';
    const headers = { 'x-org-key': UNKNOWN_KEY, ...(post ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(FAR_BODY)) } : {}) };
    const outgoing = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    });
    outgoing.on('error', reject);
    onRequest?.(outgoing);
    outgoing.end(post ? FAR_BODY : undefined);
  });
}

const portOf = (cp: RunningControlPlane) => Number(new URL(cp.url).port);

describe('consistency-token waits of unauthenticated requests', () => {
  describe(`a flood of ${FLOOD} requests with a token beyond the head and an unknown key`, () => {
    let cp: RunningControlPlane;
    beforeAll(async () => {
      cp = await startControlPlane({ env: { WARDEN_CONSISTENCY_WAIT_MS: '1' } });
    });
    afterAll(() => cp?.close({ removeData: true }));

    it(`answers each 503 not_caught_up, keeps no waiter, and grows the settled heap by less than ${HEAP_GROWTH_BOUND_MB} MB`, async () => {
      const head = await cp.ledger.headPosition();
      expect(await pipelinedFlood(portOf(cp), RAW_REQUEST, 2000)).toEqual(new Map([['503 not_caught_up', 2000]]));
      const before = settledHeapMb();
      const started = Date.now();
      const tally = await pipelinedFlood(portOf(cp), RAW_REQUEST, FLOOD);
      const seconds = (Date.now() - started) / 1000;
      const after = settledHeapMb();
      process.stdout.write(`\nconsistency-wait flood: ${FLOOD} requests in ${seconds.toFixed(1)} s; settled heap ${before.toFixed(1)} MB before, ${after.toFixed(1)} MB after (${(after - before).toFixed(1)} MB)\n`);

      expect(tally).toEqual(new Map([['503 not_caught_up', FLOOD]]));
      expect(after - before).toBeLessThan(HEAP_GROWTH_BOUND_MB);
      expect(await hasMetric(cp.url, 'warden_consistency_waits')).toBe(true);
      expect(await metricValue(cp.url, 'warden_consistency_waits')).toBe(0);
      expect(cp.app.get(PermissionProjection).waiting).toBe(0);
      expect(await cp.ledger.headPosition()).toBe(head);
    });
  });

  describe('with WARDEN_CONSISTENCY_MAX_WAITS=2 and a long wait', () => {
    let cp: RunningControlPlane;
    beforeAll(async () => {
      cp = await startControlPlane({ env: { WARDEN_CONSISTENCY_WAIT_MS: '30000', WARDEN_CONSISTENCY_MAX_WAITS: '2' } });
    });
    afterAll(() => cp?.close({ removeData: true }));

    const openWaits = () => cp.app.get(ConsistencyWaits).count;

    it('refuses a third wait at once with 503 not_caught_up, and drops the waits whose clients leave (fast path and guard)', async () => {
      const pending: ClientRequest[] = [];
      const abandoned = (['POST', 'GET'] as const).map((method) => validateFar(portOf(cp), method, (request) => pending.push(request)).catch((error: Error) => error));
      await eventually(async () => openWaits(), (count) => count === 2, { timeoutMs: 5000, intervalMs: 10, what: 'two open waits' });

      const started = Date.now();
      const refused = await validateFar(portOf(cp), 'POST');
      expect(Date.now() - started).toBeLessThan(5000);
      expect([refused.status, JSON.parse(refused.text).error]).toEqual([503, 'not_caught_up']);
      expect(await metricValue(cp.url, 'warden_consistency_waits')).toBe(2);

      for (const request of pending) request.destroy();
      await Promise.all(abandoned);
      // Long before the 30 s wait would end: the waits go when their clients do.
      await eventually(async () => [openWaits(), cp.app.get(PermissionProjection).waiting], ([waits, waiters]) => waits === 0 && waiters === 0, {
        timeoutMs: 5000,
        intervalMs: 10,
        what: 'abandoned waits dropped',
      });
      expect(await metricValue(cp.url, 'warden_consistency_waits')).toBe(0);
    });
  });
});
