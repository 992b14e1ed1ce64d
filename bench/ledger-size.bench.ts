/**
 * bench:ledger-size: bytes of SQLite database per validate decision. For each file format
 * (schema version 1, the format before compact records, and the current one), in the same
 * run: seed one org with BENCH_SIZE_DEVICES (2,000) devices into a fresh ledger, run the real
 * control plane on it, send BENCH_SIZE_VALIDATIONS (200,000) validations of random devices
 * (BENCH_CONNECTIONS, 100, connections), stop it cleanly (the WAL is folded into the file), and
 * divide the growth of the database by the decision records it holds. Default SQLite settings.
 * Also the bytes of one validate decision event as EventStoreDB stores it (data + metadata),
 * now and in the previous form, through the in-process test server.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { decisionsStream, EventStoreDbEventLedger, orgStream, SqliteEventLedger, type NewEvent } from '@warden/ledger';
import { EventStoreTestServer } from '@warden/testing';
import { v7 as uuidV7 } from 'uuid';
import { spawnControlPlane } from '../test/support/control-plane.process';
import { machineDescription } from './support/bench-environment';
import { writeResult } from './support/results';

const DEVICES = Number(process.env.BENCH_SIZE_DEVICES ?? 2_000);
const VALIDATIONS = Number(process.env.BENCH_SIZE_VALIDATIONS ?? 200_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const ORG_KEY = 'org_bench_ledger_size_key_0123456789';
const AT = '2030-01-01T00:00:00.000Z';

interface Measurement {
  readonly version: 1 | 2;
  readonly decisions: number;
  readonly grownBytes: number;
  readonly bytesPerDecision: number;
  readonly validationsPerSecond: number;
  /** Requests that failed (timeouts, resets) and answers that were not 2xx, with their status codes. */
  readonly errors: number;
  readonly non2xx: number;
  readonly statusCodes: Record<string, number>;
}

/** The database file and its WAL, if any (none after a clean shutdown). */
function databaseBytes(path: string): number {
  return statSync(path).size + (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);
}

async function seed(path: string, version: 1 | 2): Promise<void> {
  const ledger = await SqliteEventLedger.open({ path, newFileSchemaVersion: version });
  const orgId = 'bench-org';
  const meta = { actor: 'bench', correlationId: 'bench' };
  const keyHash = createHash('sha256').update(ORG_KEY).digest('hex');
  await ledger.append(
    orgStream(orgId),
    [
      { eventId: 'org', type: 'OrgCreated', data: { orgId, at: AT, name: 'bench', planTier: 'custom', limit: DEVICES }, metadata: meta },
      { eventId: 'key', type: 'OrgKeyIssued', data: { orgId, at: AT, keyId: 'k', keyHash, scope: 'admin' }, metadata: meta },
    ],
    { expectedRevision: 'no_stream' },
  );
  const devices = Array.from({ length: DEVICES }, (_, i): NewEvent => ({
    eventId: `d${i}`,
    type: 'DeviceRegistered',
    data: { orgId, at: AT, deviceId: `device-${i}`, labels: {} },
    metadata: meta,
  }));
  await ledger.append(orgStream(orgId), devices, { expectedRevision: 'any' });
  await ledger.close();
}

async function countDecisions(path: string): Promise<number> {
  const ledger = await SqliteEventLedger.open({ path });
  try {
    let count = 0;
    let after: bigint | undefined;
    for (;;) {
      const page = await ledger.readAll({ after, streamPrefixes: ['decisions-'], limit: 10_000 });
      if (page.length === 0) return count;
      count += page.length;
      after = page[page.length - 1]!.position;
    }
  } finally {
    await ledger.close();
  }
}

async function measure(version: 1 | 2): Promise<Measurement> {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-size-bench-'));
  const path = join(dataDir, 'ledger.sqlite');
  try {
    await seed(path, version);
    const before = databaseBytes(path);
    const warden = await spawnControlPlane({ WARDEN_DATA_DIR: dataDir, WARDEN_LOG_LEVEL: 'info', WARDEN_ADMIN_TOKEN: 'bench-admin-token-0123456789' });
    let result: autocannon.Result;
    try {
      result = await autocannon({
        url: `${warden.url}/api/v1/devices/validate`,
        method: 'POST',
        connections: CONNECTIONS,
        amount: VALIDATIONS,
        headers: { 'content-type': 'application/json', 'x-org-key': ORG_KEY },
        requests: [{ setupRequest: (request: autocannon.Request) => ({ ...request, body: JSON.stringify({ deviceId: `device-${Math.floor(Math.random() * DEVICES)}` }) }) }],
      });
    } finally {
      const code = await warden.stop();
      if (code !== 0) throw new Error(`the control plane exited with ${code} instead of shutting down cleanly`);
    }
    const grownBytes = databaseBytes(path) - before;
    const decisions = await countDecisions(path);
    return {
      version,
      decisions,
      grownBytes,
      bytesPerDecision: grownBytes / decisions,
      validationsPerSecond: result.requests.average,
      errors: result.errors,
      non2xx: result.non2xx,
      statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([status, stats]) => [status, stats.count])),
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Data + metadata bytes of one validate decision on EventStoreDB: as stored now, and in the previous form. */
async function eventStoreDbEventBytes(): Promise<{ before: number; after: number }> {
  const server = await EventStoreTestServer.start({ firstPosition: 1000n });
  const ledger = await EventStoreDbEventLedger.connect(server.connectionString);
  try {
    const decisionId = uuidV7();
    const data = { decisionId, orgId: uuidV7(), deviceId: 'device-1234', action: 'validate', allowed: true, code: 'ALLOW', orgRevision: 2001, decidedAt: new Date().toISOString() };
    await ledger.append(decisionsStream('bench-node'), [{ eventId: decisionId, type: 'PermissionDecided', data, metadata: { actor: uuidV7(), correlationId: decisionId } }], { expectedRevision: 'any' });
    const [stored] = server.data.streams.get(decisionsStream('bench-node')) ?? [];
    const [event] = await ledger.readStream(decisionsStream('bench-node'));
    // What the previous version sent: the data as hashed, the linked metadata plus wardenEventId.
    const before = Buffer.byteLength(JSON.stringify(event!.data)) + Buffer.byteLength(JSON.stringify({ ...event!.metadata, wardenEventId: event!.eventId }));
    return { before, after: stored!.data.length + stored!.customMetadata.length };
  } finally {
    await ledger.close();
    await server.stop();
  }
}

async function main(): Promise<void> {
  const esdb = await eventStoreDbEventBytes();
  const measurements = [await measure(1), await measure(2)];
  const [before, after] = measurements as [Measurement, Measurement];
  const row = (m: Measurement, label: string) =>
    `| ${label} | ${m.decisions.toLocaleString()} | ${(m.grownBytes / 1e6).toFixed(1)} | ${m.bytesPerDecision.toFixed(0)} | ${m.errors} | ${m.non2xx} |`;
  const table = [
    `bench:ledger-size on ${machineDescription()}: ${VALIDATIONS.toLocaleString()} validations across ${DEVICES.toLocaleString()} devices, ${CONNECTIONS} connections, after a clean shutdown (${new Date().toISOString()})`,
    '',
    '| file format | decision records | database growth MB | bytes per decision | request errors | non-2xx |',
    '|---|---|---|---|---|---|',
    row(before, 'schema version 1 (before compact records)'),
    row(after, 'schema version 2 (compact records)'),
    '',
    `bytes per decision: ${after.bytesPerDecision.toFixed(0)} (target <= 200), ${((after.bytesPerDecision / before.bytesPerDecision) * 100).toFixed(0)}% of version 1's ${before.bytesPerDecision.toFixed(0)} in the same run`,
    `EventStoreDB, one validate decision event (data + metadata): ${esdb.after} bytes, previously ${esdb.before} (${((esdb.after / esdb.before) * 100).toFixed(0)}%)`,
  ].join('\n');
  console.log(table);
  writeResult('ledger-size', { table, json: { machine: machineDescription(), devices: DEVICES, validations: VALIDATIONS, measurements, eventStoreDbEventBytes: esdb } });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
