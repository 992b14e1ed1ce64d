import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { LedgerIntegrityError } from '@warden/domain';
import { rejectionOf } from '../contract/event-fixtures';
import { verifyChain } from '../hash-chain';
import { decisionsStream, orgStream } from '../stream-names';
import { SqliteEventLedger } from './sqlite-event-ledger';

/** Written by the code before compact records (see fixtures/make-v1-fixture.ts). */
const FIXTURE = join(__dirname, 'fixtures', 'ledger-v1.sqlite');
const ORG = orgStream('0193a5c2-0000-7000-8000-00000000a001');

describe('SqliteEventLedger on a ledger file written in version 1', () => {
  let dir: string;
  let path: string;
  let ledger: SqliteEventLedger;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'warden-v1-'));
    path = join(dir, 'ledger.sqlite');
    copyFileSync(FIXTURE, path);
    ledger = await SqliteEventLedger.open({ path });
  });
  afterEach(async () => {
    await ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the file in version 1', () => {
    expect(ledger.schemaVersion).toBe(1);
    const db = new Database(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.close();
  });

  it('reads every event, and every stream verifies', async () => {
    const all = await ledger.readAll();
    expect(all).toHaveLength(26);
    expect(all.filter((event) => event.type === 'PermissionDecided')).toHaveLength(20);
    for (const streamId of [ORG, decisionsStream('node-a'), decisionsStream('node-b')]) {
      const stream = await ledger.readStream(streamId);
      expect(verifyChain(stream)).toBe(stream[stream.length - 1].metadata.hash);
    }
    expect(all[6]).toMatchObject({
      eventId: '0193a5c3-aaaa-7000-8000-000000000000',
      data: { deviceId: 'd1', allowed: true, code: 'ALLOW', orgRevision: 5, decidedAt: '2026-11-29T06:00:01.000Z' },
      metadata: { actor: 'key-1', correlationId: '0193a5c3-aaaa-7000-8000-000000000000' },
    });
  });

  it('appends in version 1, continuing the chain, and reads it back after a reopen', async () => {
    const decisionId = '0193a5c3-cccc-7000-8000-000000000001';
    const data = { decisionId, orgId: 'o', deviceId: 'd1', action: 'validate', allowed: true, code: 'ALLOW', orgRevision: 5, decidedAt: '2026-11-29T07:00:00.000Z' };
    await ledger.append(decisionsStream('node-a'), [{ eventId: decisionId, type: 'PermissionDecided', data, metadata: { actor: 'k', correlationId: decisionId } }], { expectedRevision: 11n });
    await ledger.close();
    ledger = await SqliteEventLedger.open({ path });
    const stream = await ledger.readStream(decisionsStream('node-a'));
    expect(stream).toHaveLength(13);
    expect(() => verifyChain(stream)).not.toThrow();
    const db = new Database(path, { readonly: true });
    expect(JSON.parse((db.prepare('SELECT data FROM events WHERE event_id = ?').get(decisionId) as { data: string }).data)).toEqual(data);
    db.close();
  });

  it('still names an altered record', async () => {
    const db = new Database(path);
    db.prepare(`UPDATE events SET data = replace(data, '"d2"', '"d1"') WHERE stream_id = ? AND revision = 1`).run(decisionsStream('node-b'));
    db.close();
    expect(await rejectionOf(ledger.readStream(decisionsStream('node-b')))).toEqual(expect.any(LedgerIntegrityError));
    expect(await rejectionOf(ledger.readStream(decisionsStream('node-b')))).toMatchObject({ revision: 1n });
  });
});
