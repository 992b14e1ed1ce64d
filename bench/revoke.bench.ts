/**
 * bench:revoke: how fast a withdrawn permission reaches running runtimes, beside the raw
 * NATS latency measured in the same run (the floor any push over NATS can reach).
 *
 *   1. raw NATS pub -> sub latency (core NATS, two connections), and one publish fanned out
 *      to N connections of this process (the floor for an org-wide push)
 *   2. single-device revoke-to-abort: HTTP revoke call start -> the SDK lease's abort event
 *   3. org-wide suspend reaching N runtimes (N leases, each with its own NATS connection)
 *   4. a burst of revokes: one revoke_batch of BENCH_BATCH devices (one ledger event each)
 *      reaching their leases, BENCH_BATCH_ROUNDS times (what the relay's pipelining is for)
 *   5. org suspend -> all N runtimes acked (awaitAcks; see support/suspend-acked.ts)
 */
import { connect } from 'nats';
import { WardenClient, type Lease } from '@warden/sdk';
import { createOrg, WardenHttp } from '../test/support/http-client';
import { BENCH_ADMIN_TOKEN, machineDescription, startBenchEnvironment } from './support/bench-environment';
import { writeResult } from './support/results';
import { profiledWindow } from './support/window-profile';
import { formatMs, summarize, type LatencySummary } from './support/stats';
import { suspendAckedRows, suspendUntilAcked } from './support/suspend-acked';

const RAW_SAMPLES = Number(process.env.BENCH_RAW_SAMPLES ?? 2000);
const REVOKE_SAMPLES = Number(process.env.BENCH_REVOKE_SAMPLES ?? 200);
const RUNTIMES = Number(process.env.BENCH_RUNTIMES ?? 1000);
const BATCH = Number(process.env.BENCH_BATCH ?? 100);
const BATCH_ROUNDS = Number(process.env.BENCH_BATCH_ROUNDS ?? 3);

function aborted(lease: Lease): Promise<number> {
  return new Promise((resolve) => lease.signal.addEventListener('abort', () => resolve(performance.now()), { once: true }));
}

async function rawNatsLatency(url: string): Promise<LatencySummary> {
  const [publisher, subscriber] = await Promise.all([connect({ servers: url }), connect({ servers: url })]);
  const samples: number[] = [];
  let resolveNext: (() => void) | undefined;
  const subscription = subscriber.subscribe('bench.raw', { callback: () => resolveNext?.() });
  await subscriber.flush();
  const payload = Buffer.from(JSON.stringify({ orgId: 'o', deviceId: 'd', allowed: false, code: 'DEVICE_REVOKED', position: '1' }));
  for (let i = 0; i < RAW_SAMPLES + 100; i++) {
    const received = new Promise<void>((resolve) => (resolveNext = resolve));
    const started = performance.now();
    publisher.publish('bench.raw', payload);
    await received;
    if (i >= 100) samples.push(performance.now() - started);
  }
  subscription.unsubscribe();
  await Promise.all([publisher.close(), subscriber.close()]);
  return summarize(samples);
}

/** The floor for an org-wide push: one publish fanned out to N connections held by this process. */
async function rawNatsFanOut(url: string, connections: number): Promise<LatencySummary> {
  const subscribers = [];
  for (let i = 0; i < connections; i += 50) {
    subscribers.push(...(await Promise.all(Array.from({ length: Math.min(50, connections - i) }, () => connect({ servers: url })))));
  }
  const arrivals: number[] = [];
  let allArrived!: () => void;
  const done = new Promise<void>((resolve) => (allArrived = resolve));
  for (const subscriber of subscribers) {
    subscriber.subscribe('bench.fanout', {
      max: 1,
      callback: () => {
        arrivals.push(performance.now());
        if (arrivals.length === connections) allArrived();
      },
    });
  }
  await Promise.all(subscribers.map((subscriber) => subscriber.flush()));
  const publisher = await connect({ servers: url });
  const started = performance.now();
  publisher.publish('bench.fanout', Buffer.from('{"allowed":false,"code":"ORG_SUSPENDED"}'));
  await done;
  await Promise.all([publisher, ...subscribers].map((connection) => connection.close()));
  return summarize(arrivals.map((at) => at - started));
}

async function revokeToAbort(http: WardenHttp, natsUrl: string): Promise<LatencySummary> {
  const { orgKey } = await createOrg(http, BENCH_ADMIN_TOKEN, { planTier: 'max' });
  const admin = http.withKey(orgKey);
  const client = new WardenClient({ baseUrl: http.baseUrl, orgKey, natsUrl });
  const samples: number[] = [];
  for (let i = 0; i < REVOKE_SAMPLES + 10; i++) {
    const deviceId = `revoke-${i}`;
    const lease = await client.start({ deviceId, watch: 'nats', maxStalenessMs: 30_000 });
    const abortedAt = aborted(lease);
    const started = performance.now();
    await admin.post('/api/v1/devices/revoke', { deviceId });
    const latency = (await abortedAt) - started;
    if (i >= 10) samples.push(latency);
    await lease.close();
  }
  return summarize(samples);
}

async function suspendToRuntimes(http: WardenHttp, natsUrl: string): Promise<{ summary: LatencySummary; runtimes: number; startMs: number }> {
  const { orgKey } = await createOrg(http, BENCH_ADMIN_TOKEN, { planTier: 'max' });
  const admin = http.withKey(orgKey);
  if (RUNTIMES > 1000) await admin.post('/api/v1/org/limits', { limit: RUNTIMES });
  const client = new WardenClient({ baseUrl: http.baseUrl, orgKey, natsUrl, timeoutMs: 30_000 });
  const leases: Lease[] = [];
  const started = performance.now();
  for (let i = 0; i < RUNTIMES; i += 50) {
    const batch = Array.from({ length: Math.min(50, RUNTIMES - i) }, (_, j) =>
      client.start({ deviceId: `runtime-${i + j}`, watch: 'nats', maxStalenessMs: 120_000 }),
    );
    leases.push(...(await Promise.all(batch)));
  }
  const startMs = performance.now() - started;
  const abortedAt = leases.map(aborted);
  const suspendedAt = performance.now();
  const samples = await profiledWindow('suspend-bench-process', async () => {
    await admin.post('/api/v1/org/suspend', { reason: 'bench' });
    return (await Promise.all(abortedAt)).map((at) => at - suspendedAt);
  });
  await Promise.all(leases.map((lease) => lease.close()));
  return { summary: summarize(samples), runtimes: leases.length, startMs };
}

/** One retry: under load a kept-alive socket the server has just closed fails a request ("other side closed"). */
function startWithRetry(client: WardenClient, deviceId: string): Promise<Lease> {
  const start = () => client.start({ deviceId, watch: 'nats', maxStalenessMs: 120_000 });
  return start().catch(start);
}

/** revoke_batch call start -> each lease's abort, BATCH leases per round (a burst of BATCH DeviceRevoked events). */
async function batchRevokeToAbort(http: WardenHttp, natsUrl: string): Promise<LatencySummary> {
  const { orgKey } = await createOrg(http, BENCH_ADMIN_TOKEN, { planTier: 'max' });
  const admin = http.withKey(orgKey);
  const client = new WardenClient({ baseUrl: http.baseUrl, orgKey, natsUrl, timeoutMs: 30_000 });
  const samples: number[] = [];
  for (let round = 0; round < BATCH_ROUNDS; round++) {
    const deviceIds = Array.from({ length: BATCH }, (_, i) => `batch-${round}-${i}`);
    const leases: Lease[] = [];
    for (let i = 0; i < deviceIds.length; i += 50) leases.push(...(await Promise.all(deviceIds.slice(i, i + 50).map((deviceId) => startWithRetry(client, deviceId)))));
    const abortedAt = leases.map(aborted);
    const started = performance.now();
    await admin.post('/api/v1/devices/revoke_batch', { deviceIds });
    samples.push(...(await Promise.all(abortedAt)).map((at) => at - started));
    await Promise.all(leases.map((lease) => lease.close()));
  }
  return summarize(samples);
}

function row(name: string, s: LatencySummary): string {
  return `| ${name} | ${s.count} | ${formatMs(s.p50)} | ${formatMs(s.p90)} | ${formatMs(s.p99)} | ${formatMs(s.max)} |`;
}

async function main(): Promise<void> {
  const environment = await startBenchEnvironment();
  try {
    const http = new WardenHttp(environment.controlPlane.url);
    const raw = await rawNatsLatency(environment.nats.url);
    const fanOut = await rawNatsFanOut(environment.nats.url, RUNTIMES);
    const revoke = await revokeToAbort(http, environment.nats.url);
    const suspend = await suspendToRuntimes(http, environment.nats.url);
    const batch = await batchRevokeToAbort(http, environment.nats.url);
    const acked = await suspendUntilAcked(http, environment.nats.url, RUNTIMES);
    const table = [
      `bench:revoke on ${machineDescription()} (${new Date().toISOString()})`,
      '',
      '| measurement | samples | p50 ms | p90 ms | p99 ms | max ms |',
      '|---|---|---|---|---|---|',
      row('raw NATS pub -> sub (baseline)', raw),
      row('revoke -> SDK abort, one device', revoke),
      row(`raw NATS fan-out to ${RUNTIMES} connections (baseline)`, fanOut),
      row(`org suspend -> abort, ${suspend.runtimes} runtimes`, suspend.summary),
      row(`revoke_batch of ${BATCH} -> each abort (${BATCH_ROUNDS} rounds)`, batch),
      '',
      `revoke-to-abort p99 / raw NATS p99: ${(revoke.p99 / raw.p99).toFixed(1)}x; suspend p99 / raw fan-out p99: ${(suspend.summary.p99 / fanOut.p99).toFixed(1)}x`,
      `all ${suspend.runtimes} runtimes (leases, each with its own NATS connection) run in the benchmark process; ${suspend.runtimes} leases started in ${(suspend.startMs / 1000).toFixed(1)} s`,
      `targets: revoke p99 <= 5 ms: ${revoke.p99 <= 5 ? 'met' : 'MISSED'}; suspend to ${suspend.runtimes} p99 <= 100 ms: ${suspend.summary.p99 <= 100 ? 'met' : 'MISSED'}`,
      ...suspendAckedRows(acked, fanOut),
    ].join('\n');
    console.log(table);
    writeResult('revoke', { table, json: { machine: machineDescription(), at: new Date().toISOString(), raw, fanOut, revoke, suspend, batch, acked } });
  } finally {
    await environment.dispose();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
