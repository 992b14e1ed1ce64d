/**
 * bench:replicas: two control-plane processes on one ledger: a SQLite file shared through
 * WAL, then the EventStoreDB adapter on the in-process test server (run by this process).
 * A device is revoked on replica A; replica B is asked to validate it until it answers
 * DEVICE_REVOKED. The lag is measured from A's acknowledgement of the revoke to B's first
 * denial (without a consistency token; with the token B is right at once by construction).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreTestServer } from '@warden/testing';
import { spawnControlPlane } from '../test/support/control-plane.process';
import { createOrg, WardenHttp } from '../test/support/http-client';
import { BENCH_ADMIN_TOKEN, machineDescription } from './support/bench-environment';
import { writeResult } from './support/results';
import { formatMs, summarize } from './support/stats';

const SAMPLES = Number(process.env.BENCH_LAG_SAMPLES ?? 200);
const POLL_MS = process.env.WARDEN_SQLITE_POLL_MS ?? '10';

interface LagRun {
  readonly ledger: string;
  readonly lag: ReturnType<typeof summarize>;
  readonly polls: number;
}

/** Two control-plane processes on one ledger; revoke on A, validate on B until it denies. */
async function measure(ledger: string, ledgerEnv: Record<string, string>): Promise<LagRun> {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-replicas-'));
  const common = { WARDEN_DATA_DIR: dataDir, WARDEN_ADMIN_TOKEN: BENCH_ADMIN_TOKEN, WARDEN_LOG_LEVEL: 'info', ...ledgerEnv };
  const a = await spawnControlPlane({ ...common, WARDEN_NODE_ID: 'bench-a' });
  const b = await spawnControlPlane({ ...common, WARDEN_NODE_ID: 'bench-b' });
  try {
    const { orgKey } = await createOrg(new WardenHttp(a.url), BENCH_ADMIN_TOKEN, { planTier: 'max' });
    const onA = new WardenHttp(a.url).withKey(orgKey);
    const onB = new WardenHttp(b.url).withKey(orgKey);
    const lags: number[] = [];
    let polls = 0;
    for (let i = 0; i < SAMPLES; i++) {
      const deviceId = `lag-${i}`;
      const registered = await onA.post('/api/v1/devices/register', { deviceId });
      await onB.post('/api/v1/devices/validate', { deviceId, consistencyToken: registered.body.position });
      await onA.post('/api/v1/devices/revoke', { deviceId });
      const acknowledged = performance.now();
      for (;;) {
        polls++;
        if ((await onB.post('/api/v1/devices/validate', { deviceId })).body.code === 'DEVICE_REVOKED') break;
      }
      lags.push(performance.now() - acknowledged);
    }
    return { ledger, lag: summarize(lags), polls };
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const runs = [await measure(`SQLite (shared file, ${POLL_MS} ms poll)`, { WARDEN_SQLITE_POLL_MS: POLL_MS })];
  const server = await EventStoreTestServer.start();
  try {
    runs.push(await measure('EventStoreDB (in-process test server)', { WARDEN_LEDGER: 'eventstoredb', EVENTSTORE_URL: server.connectionString }));
  } finally {
    await server.stop();
  }
  const table = [
    `bench:replicas on ${machineDescription()} (${new Date().toISOString()})`,
    '',
    '| revoke acknowledged on A -> denied on B (no token) | samples | p50 ms | p90 ms | p99 ms | max ms | validations on B |',
    '|---|---|---|---|---|---|---|',
    ...runs.map(({ ledger, lag, polls }) => `| ${ledger} | ${lag.count} | ${formatMs(lag.p50)} | ${formatMs(lag.p90)} | ${formatMs(lag.p99)} | ${formatMs(lag.max)} | ${polls} |`),
    '',
    'With the consistency token, B denies on the first validation by construction.',
  ].join('\n');
  console.log(table);
  writeResult('replicas', { table, json: { machine: machineDescription(), runs } });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
