import { WardenError } from '@warden/domain';
import { copySqliteDatabase, SqliteEventLedger } from '@warden/ledger';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { ChainBreak } from '../chain-checker';
import { checkLedgerChains } from '../ledger-scan';

/** Where a backup is: copying pages, then verifying the copy's hash chains. */
export type BackupProgress =
  | { readonly phase: 'copy'; readonly done: number; readonly total: number }
  | { readonly phase: 'verify'; readonly done: number };

export interface BackupOptions {
  /** The live SQLite ledger file. */
  readonly ledgerPath: string;
  /** Where the verified copy goes. */
  readonly out: string;
  /** Replace `out` if it exists (default: refuse). */
  readonly force?: boolean;
  readonly onProgress?: (progress: BackupProgress) => void;
  /** Pages per step of the copy (copySqliteDatabase). */
  readonly pagesPerStep?: number;
}

export interface BackupReport {
  /** True when the copy verified: it is then at `out`; otherwise nothing was written there. */
  readonly ok: boolean;
  readonly out: string;
  readonly bytes: number;
  /** sha256 of the backup file (hex), to check it after moving it around. */
  readonly sha256: string;
  readonly events: number;
  /** Position of the last event in the copy, as a decimal string ('' for an empty ledger). */
  readonly headPosition: string;
  readonly chainBreaks: readonly ChainBreak[];
  readonly copyMs: number;
  readonly verifyMs: number;
}

/**
 * Backs up a live SQLite ledger: an online, consistent copy (copySqliteDatabase) into a
 * partial file beside `out`, opened as a ledger and checked stream by stream (hash chains, as
 * replay does), and only then renamed to `out`. A copy that does not verify is removed and the
 * report says why (ok false); `out` is never left half-written. Refuses (WardenError kind
 * `invalid`) an existing `out` without `force`, an `out` that is the ledger itself, and a
 * missing directory.
 */
export async function backupLedger(options: BackupOptions): Promise<BackupReport> {
  const out = resolve(options.out);
  checkTarget(resolve(options.ledgerPath), out, options.force ?? false);
  const partial = join(dirname(out), `.${basename(out)}.partial-${process.pid}`);
  try {
    const copyStarted = performance.now();
    await copySqliteDatabase(options.ledgerPath, partial, {
      pagesPerStep: options.pagesPerStep,
      onProgress: ({ copiedPages, totalPages }) => options.onProgress?.({ phase: 'copy', done: copiedPages, total: totalPages }),
    });
    const copyMs = performance.now() - copyStarted;
    const verifyStarted = performance.now();
    const { events, chainBreaks, headPosition } = await verifyCopy(partial, options.onProgress);
    const verifyMs = performance.now() - verifyStarted;
    const sha256 = await fileSha256(partial);
    const bytes = statSync(partial).size;
    const report = { out, bytes, sha256, events, headPosition, chainBreaks, copyMs: Math.round(copyMs), verifyMs: Math.round(verifyMs) };
    if (chainBreaks.length > 0) return { ok: false, ...report };
    await syncFile(partial);
    await rename(partial, out);
    await syncFile(dirname(out));
    return { ok: true, ...report };
  } finally {
    await removeWithSidecars(partial);
  }
}

function checkTarget(ledgerPath: string, out: string, force: boolean): void {
  if ([ledgerPath, `${ledgerPath}-wal`, `${ledgerPath}-shm`].includes(out)) {
    throw new WardenError('invalid', 'backup_target_is_ledger', `--out ${out} is the ledger itself: back up to another file`);
  }
  if (!existsSync(dirname(out))) throw new WardenError('invalid', 'backup_dir_missing', `the directory of ${out} does not exist`);
  if (existsSync(out) && !force) {
    throw new WardenError('invalid', 'backup_target_exists', `${out} already exists: choose another file, or pass --force to replace it`);
  }
}

/** Opens the copy as a ledger (the adapter the control plane uses) and checks every hash chain. */
async function verifyCopy(
  path: string,
  onProgress: BackupOptions['onProgress'],
): Promise<{ events: number; chainBreaks: readonly ChainBreak[]; headPosition: string }> {
  const ledger = await SqliteEventLedger.open({ path });
  try {
    const head = await ledger.headPosition();
    const checked = await checkLedgerChains(ledger, { onProgress: ({ events }) => onProgress?.({ phase: 'verify', done: events }) });
    return { ...checked, headPosition: head?.toString() ?? '' };
  } finally {
    await ledger.close();
  }
}

async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** fsync a file or a directory, so a rename survives a crash. */
async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function removeWithSidecars(path: string): Promise<void> {
  await Promise.all(['', '-wal', '-shm', '-journal'].map((suffix) => rm(`${path}${suffix}`, { force: true })));
}
