import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EventLedger } from '@warden/ledger';
import { AuditIndexFollower, type AuditIndexNotice, openSqliteAuditIndex, SqliteAuditIndexStore } from '@warden/audit';
import { appendSteps, type LedgerStep, writeLedger } from './audit-index.fixture';

const decide = (org: number, device: number): LedgerStep => ({ kind: 'decide', org, device, node: device % 2, allowed: true });
const many = (n: number): LedgerStep[] => Array.from({ length: n }, (_, i) => decide(i % 3, i % 4));

let dir: string;
let path: string;
let follower: AuditIndexFollower | undefined;
let notices: AuditIndexNotice[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'warden-index-follower-'));
  path = join(dir, 'ledger.sqlite.index');
  notices = [];
});
afterEach(async () => {
  await follower?.stop();
  follower = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function follow(ledger: EventLedger, retryMs?: number): AuditIndexFollower {
  follower = new AuditIndexFollower(ledger, { open: (fresh) => openSqliteAuditIndex(path, fresh), notify: (n) => notices.push(n), flushEveryMs: 5, retryMs });
  follower.start();
  return follower;
}

async function headOf(ledger: EventLedger): Promise<bigint> {
  return (await ledger.headPosition())!;
}

function entriesOf(f: AuditIndexFollower, orgId: string): number {
  return f.index!.list({ orgId, after: 0n, upTo: f.index!.checkpoint()!.position, limit: 10_000 }).length;
}

describe('AuditIndexFollower', () => {
  it('catches up with the records already in the ledger, then takes in live ones', async () => {
    const ledger = await writeLedger(many(900));
    const f = follow(ledger);
    await f.reached(await headOf(ledger));
    expect(entriesOf(f, 'acme')).toBe(300);
    expect(notices).toContainEqual(expect.objectContaining({ kind: 'caught-up', records: 900 }));
    await appendSteps(ledger, [decide(0, 1), decide(0, 2)], 900);
    await f.reached(await headOf(ledger));
    expect(entriesOf(f, 'acme')).toBe(302);
    expect(f.searchOptions().index).toBe(f.index);
  });

  it('keeps what it built across a restart and goes on from its checkpoint', async () => {
    const ledger = await writeLedger(many(30));
    const first = follow(ledger);
    await first.reached(await headOf(ledger));
    await first.stop();
    await appendSteps(ledger, many(6), 30);
    const second = follow(ledger);
    await second.reached(await headOf(ledger));
    expect(entriesOf(second, 'acme')).toBe(12);
    expect(notices).toContainEqual(expect.objectContaining({ kind: 'caught-up', records: 6 }));
    expect(notices.filter((n) => n.kind === 'reset')).toEqual([]);
  });

  it('starts again from nothing when its file is unusable', async () => {
    writeFileSync(path, Buffer.alloc(4096, 9));
    const ledger = await writeLedger(many(12));
    const f = follow(ledger);
    await f.reached(await headOf(ledger));
    expect(entriesOf(f, 'acme')).toBe(4);
    expect(notices[0]).toMatchObject({ kind: 'reset', reason: expect.stringMatching(/could not be used/) });
  });

  it('starts again from nothing when its checkpoint is not in the ledger (a restored or other ledger)', async () => {
    const before = follow(await writeLedger(many(40)));
    await before.reached(40n);
    await before.stop();
    notices = [];
    const other = await writeLedger(many(9));
    const f = follow(other);
    await f.reached(await headOf(other));
    expect(entriesOf(f, 'acme')).toBe(3);
    expect(notices[0]).toMatchObject({ kind: 'reset', reason: expect.stringMatching(/not in this ledger/) });
  });

  it('rebuilds from the ledger when a query reports it broken, and is not offered meanwhile', async () => {
    const ledger = await writeLedger(many(60));
    const f = follow(ledger);
    await f.reached(await headOf(ledger));
    const broken = f.index!;
    f.reportFailure(broken, new Error('database disk image is malformed'));
    expect(f.index).toBeUndefined();
    await f.reached(await headOf(ledger));
    expect(f.index).not.toBe(broken);
    expect(entriesOf(f, 'acme2')).toBe(20);
    expect(notices.filter((n) => n.kind === 'failed')).toHaveLength(1);
  });

  it('keeps its file when a batch cannot be written (a full disk) and goes on from its checkpoint', async () => {
    const ledger = await writeLedger(many(30));
    const f = follow(ledger, 5);
    await f.reached(await headOf(ledger));
    const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    const add = jest.spyOn(f.index!, 'add').mockImplementationOnce(() => {
      throw full;
    });
    await appendSteps(ledger, many(6), 30);
    await f.reached(await headOf(ledger));
    expect(add).toHaveBeenCalled();
    expect(notices).toContainEqual({ kind: 'failed', error: full });
    expect(notices.filter((n) => n.kind === 'reset')).toEqual([]);
    // Caught up again from its checkpoint: only the 6 records it could not write, not all 36.
    expect(notices.filter((n) => n.kind === 'caught-up').at(-1)).toMatchObject({ records: 6 });
    expect(entriesOf(f, 'acme')).toBe(12);
  });

  it('writes the live records still buffered when it stops', async () => {
    const ledger = await writeLedger(many(3));
    // Tells when the follower's live subscription has handed it a record at or past a position.
    let handed: { position: bigint; resolve: () => void } | undefined;
    const subscribe = ledger.subscribe.bind(ledger);
    jest.spyOn(ledger, 'subscribe').mockImplementation((options, handler) =>
      subscribe(options, async (event) => {
        await handler(event);
        if (handed && event.position >= handed.position) handed.resolve();
      }),
    );
    follower = new AuditIndexFollower(ledger, { open: (fresh) => openSqliteAuditIndex(path, fresh), flushEveryMs: 60_000 });
    follower.start();
    await follower.reached(await headOf(ledger));
    // Three records, one position each.
    const last = (await headOf(ledger)) + 3n;
    const delivered = new Promise<void>((resolve) => (handed = { position: last, resolve }));
    await appendSteps(ledger, many(3), 3);
    expect(await headOf(ledger)).toBe(last);
    await delivered;
    expect(follower.index!.checkpoint()?.position).toBeLessThan(await headOf(ledger));
    await follower.stop();
    follower = undefined;
    const store = SqliteAuditIndexStore.open(path, { readonly: true });
    expect(store.checkpoint()?.position).toBe(await headOf(ledger));
    store.close();
  });
});
