import { SqliteEventLedger } from '@warden/ledger';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQLITE, startControlPlane } from '../support/control-plane.harness';
import { SmallTmpfs } from './host-faults';
import { describeLedgerOutage } from './ledger-outage.scenario';

/**
 * The disk under the ledger fills up. The data directory is a 16 MiB tmpfs of its own
 * (`mount -t tmpfs -o size=`, which needs CAP_SYS_ADMIN: the suites run as root); a filler
 * file takes every free byte (ENOSPC) and is deleted to end the fault. Writes that need no new
 * block could still succeed, but a fresh ledger never checkpoints back to the start of its WAL
 * within this suite, so every append has to grow the WAL and fails with SQLITE_FULL. The node's
 * audit index lives outside the tmpfs: it is a derived file that may be reset and rebuilt when
 * it cannot be written, and the blocks a reset frees would let ledger appends through (they
 * did, in a CI run), which is right for the product and wrong for a test of a full disk.
 */
describeLedgerOutage('the disk under the SQLite ledger is full (tmpfs filled to ENOSPC)', () => {
  let disk: SmallTmpfs | undefined;
  let indexDir: string | undefined;
  const ledgerFile = () => join(disk!.dir, 'ledger.sqlite');
  return {
    async start() {
      disk = SmallTmpfs.mount(16 * 1024 * 1024);
      indexDir = mkdtempSync(join(tmpdir(), 'warden-disk-full-index-'));
      return startControlPlane({ dataDir: disk.dir, env: { ...SQLITE, WARDEN_DECISION_INDEX_PATH: join(indexDir, 'decision-index.sqlite') } });
    },
    async injectFault() {
      disk!.fill();
    },
    async removeFault() {
      disk?.drain();
    },
    openAuditLedger: () => SqliteEventLedger.open({ path: ledgerFile() }),
    async storageIntact() {
      const db = new Database(ledgerFile(), { readonly: true });
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      } finally {
        db.close();
      }
    },
    async dispose() {
      disk?.dispose();
      if (indexDir) rmSync(indexDir, { recursive: true, force: true });
    },
  };
});
