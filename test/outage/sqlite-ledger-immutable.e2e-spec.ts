import { SqliteEventLedger } from '@warden/ledger';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQLITE, startControlPlane } from '../support/control-plane.harness';
import { ImmutableFiles } from './host-faults';
import { describeLedgerOutage } from './ledger-outage.scenario';

/**
 * The ledger file turns read-only under a running control plane. The suites run as root, for
 * whom permission bits mean nothing (and a chmod never reaches descriptors SQLite already has
 * open), so the fault is the immutable attribute: `chattr +i` on the ledger file, its WAL and
 * the data directory makes the kernel refuse every write with EPERM, even root's, even through
 * open descriptors. The WAL index (`-shm`, memory-mapped) is left alone: it is not the record.
 */
describeLedgerOutage('the SQLite ledger file turns read-only (chattr +i) under the running control plane', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-outage-ro-'));
  const ledgerFile = join(dataDir, 'ledger.sqlite');
  const immutable = new ImmutableFiles();
  return {
    async start() {
      ImmutableFiles.assertSupported(dataDir);
      return startControlPlane({ dataDir, env: SQLITE });
    },
    async injectFault() {
      immutable.set([ledgerFile, `${ledgerFile}-wal`, dataDir]);
    },
    async removeFault() {
      immutable.clear();
    },
    openAuditLedger: () => SqliteEventLedger.open({ path: ledgerFile }),
    async storageIntact() {
      const db = new Database(ledgerFile, { readonly: true });
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      } finally {
        db.close();
      }
    },
    async dispose() {
      immutable.clear();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});
