import { type Hash, type KeyObject, createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type EventLedger, orgStream } from '@warden/ledger';
import { CSV_HEADER, toCsvRow } from './export-csv';
import { type ExportFormat, type ExportManifest, ManifestTally, serializeManifest } from './export-manifest';
import { ExportEncoder } from './export-record';
import { type ExportSelection, exportRecords, parseTimeRange } from './export-records';
import { publicKeyPem, signManifest, toSigningKey } from './export-signing';

/**
 * Progress of a running export, reported every {@link PROGRESS_EVERY} records and at the end:
 * records written so far and the position of the last one (null before the first).
 */
export type ExportProgress = (records: number, lastPosition: string | null) => void;

/** How often (in records) `onProgress` is called. */
export const PROGRESS_EVERY = 1000;

/** Options of {@link exportOrg}. */
export interface ExportOrgOptions extends ExportSelection {
  format: ExportFormat;
  /** Path of the export file; the manifest goes to `<out>.manifest.json`, a signature to `<out>.manifest.sig`. */
  out: string;
  /** Ed25519 private key (KeyObject or PEM); when given, the manifest is signed. */
  signingKey?: KeyObject | string;
  toolVersion: string;
  onProgress?: ExportProgress;
  /** The clock of `createdAt` (default: the wall clock). */
  now?: () => Date;
}

/** Paths of the files an export writes beside `out`. */
export function exportPaths(out: string): { manifest: string; signature: string } {
  return { manifest: `${out}.manifest.json`, signature: `${out}.manifest.sig` };
}

/**
 * Exports one org's records to a file, streaming (bounded memory), then writes the manifest
 * and, with a signing key, its signature. The file is written under a temporary name and
 * renamed once complete, so a failed export never leaves a file that looks finished.
 */
export async function exportOrg(ledger: EventLedger, options: ExportOrgOptions): Promise<ExportManifest> {
  parseTimeRange(options.from, options.to);
  const key = options.signingKey === undefined ? undefined : toSigningKey(options.signingKey);
  const paths = exportPaths(options.out);
  const partial = `${options.out}.partial`;
  const fileHash = createHash('sha256');
  const tally = new ManifestTally(orgStream(options.orgId));
  const lines = encodeLines(ledger, options, { tally, fileHash, onProgress: options.onProgress });
  try {
    await pipeline(Readable.from(lines), createWriteStream(partial));
    await rename(partial, options.out);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  const manifest: ExportManifest = {
    format: options.format,
    orgId: options.orgId,
    from: options.from ?? null,
    to: options.to ?? null,
    ...tally.snapshot(),
    sha256: fileHash.digest('hex'),
    toolVersion: options.toolVersion,
    createdAt: (options.now ?? (() => new Date()))().toISOString(),
    ...(key === undefined ? {} : { publicKey: publicKeyPem(key) }),
  };
  const bytes = serializeManifest(manifest);
  await writeFile(paths.manifest, bytes);
  if (key !== undefined) await writeFile(paths.signature, `${signManifest(bytes, key)}\n`);
  else await rm(paths.signature, { force: true });
  return manifest;
}

/**
 * The same records as {@link exportOrg} in NDJSON, as a Node Readable. It pulls from the
 * ledger only as fast as the consumer reads.
 */
export function exportOrgStream(ledger: EventLedger, selection: ExportSelection): Readable {
  return Readable.from(exportOrgLines(ledger, selection));
}

/**
 * The NDJSON lines of {@link exportOrgStream}, one string per record (for the HTTP export
 * endpoint, which reads the first line before it commits to a status). A bad time range
 * throws at once, before anything is read.
 */
export function exportOrgLines(ledger: EventLedger, selection: ExportSelection): AsyncGenerator<string> {
  parseTimeRange(selection.from, selection.to);
  return encodeLines(ledger, { ...selection, format: 'ndjson' }, {});
}

interface EncodeHooks {
  tally?: ManifestTally;
  fileHash?: Hash;
  onProgress?: ExportProgress;
}

/** The export's lines (header first for CSV), feeding the tally and file hash as they go. */
async function* encodeLines(
  ledger: EventLedger,
  options: ExportSelection & { format: ExportFormat },
  hooks: EncodeHooks,
): AsyncGenerator<string> {
  const emit = (line: string): string => {
    hooks.fileHash?.update(line, 'utf8');
    return line;
  };
  if (options.format === 'csv') yield emit(CSV_HEADER);
  const encoder = new ExportEncoder();
  let records = 0;
  let lastPosition: string | null = null;
  for await (const event of exportRecords(ledger, options)) {
    const record = encoder.encode(event);
    hooks.tally?.add(record);
    records += 1;
    lastPosition = record.position;
    yield emit(options.format === 'csv' ? toCsvRow(record) : `${JSON.stringify(record)}\n`);
    if (records % PROGRESS_EVERY === 0) hooks.onProgress?.(records, lastPosition);
  }
  hooks.onProgress?.(records, lastPosition);
}
