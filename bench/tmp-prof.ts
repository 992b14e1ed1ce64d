import { computeEventHash, decisionsStream, SqliteEventLedger, type NewEvent } from '@warden/ledger';
import { parsePermissionDecided } from '@warden/events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 } from 'uuid';

async function main() {
  const version = Number(process.argv[2] ?? 2) as 1 | 2;
  const dir = mkdtempSync(join(tmpdir(), 'prof-'));
  const ledger = await SqliteEventLedger.open({ path: join(dir, 'l.sqlite'), newFileSchemaVersion: version });
  const N = 100_000;
  for (let b = 0; b < N / 1000; b++) {
    const events: NewEvent[] = [];
    for (let i = 0; i < 1000; i++) {
      const id = v7();
      events.push({ eventId: id, type: 'PermissionDecided', data: { decisionId: id, orgId: '0193a5c2-0000-7000-8000-00000000a001', deviceId: `device-${i % 2000}`, action: 'validate', allowed: true, code: 'ALLOW', orgRevision: 2001, decidedAt: new Date(1e12 + b * 1000 + i).toISOString() }, metadata: { actor: 'k1', correlationId: id } });
    }
    await ledger.append(decisionsStream('n'), events, { expectedRevision: 'any' });
  }
  const all: any[] = [];
  for (let round = 0; round < 3; round++) {
    let t = performance.now();
    let after: bigint | undefined; all.length = 0;
    for (;;) { const page = await ledger.readAll({ after, limit: 5000 }); if (!page.length) break; all.push(...page); after = page[page.length - 1].position; }
    const read = performance.now() - t;
    t = performance.now();
    for (const e of all) computeEventHash(e);
    const hash = performance.now() - t;
    t = performance.now();
    for (const e of all) parsePermissionDecided(e.data);
    const zod = performance.now() - t;
    console.log(`v${version} read ${(N / read * 1000).toFixed(0)}/s (${(read * 1000 / N).toFixed(2)} us/ev) hash ${(hash * 1000 / N).toFixed(2)} us/ev zod ${(zod * 1000 / N).toFixed(2)} us/ev`);
  }
  await ledger.close();
  rmSync(dir, { recursive: true, force: true });
}
void main();
