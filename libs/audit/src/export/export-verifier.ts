import { type KeyObject, createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { RecordChecker, type ExportProblem } from './export-checks';
import { type ExportFormat, type ExportManifest, exportManifestSchema } from './export-manifest';
import { describeSchemaError, exportRecordSchema } from './export-record.schema';
import { type TimeRange, parseTimeRange } from './export-records';
import { readExportRows } from './export-file-reader';
import { toVerifyKey, verifyManifestSignature } from './export-signing';
import { exportPaths } from './org-exporter';

/** How the manifest signature came out, and which key it was checked with. */
export interface SignatureCheck {
  status: 'valid' | 'invalid' | 'missing' | 'unsigned';
  /** `given`: the caller's key (proves who signed); `manifest`: the key inside the manifest (proves integrity only). */
  keySource?: 'given' | 'manifest';
}

/** The outcome of {@link verifyExport}. */
export interface VerifyReport {
  ok: boolean;
  /** Rows read from the file. */
  records: number;
  problems: ExportProblem[];
  /** Problems beyond {@link MAX_REPORTED_PROBLEMS} are counted here, not listed. */
  problemsOmitted: number;
  /** The first problem that names a record, in file order. */
  firstBad?: { seq: number; position?: string; reason: string };
  signature: SignatureCheck;
  manifest?: ExportManifest;
}

/** Options of {@link verifyExport}. */
export interface VerifyExportOptions {
  /** Ed25519 public key (KeyObject or PEM) the manifest must be signed with. */
  publicKey?: KeyObject | string;
}

/** At most this many problems are listed, so a badly damaged export gives a bounded report. */
export const MAX_REPORTED_PROBLEMS = 1000;

/**
 * Verifies an export file against its manifest and signature, streaming the file once:
 * file sha256, record syntax, seq numbering, export chain, each record's ledger hash, stream
 * links, org membership and range, the manifest's counts and heads, and the signature.
 * Problems are reported, never thrown; only an unreadable key is an `invalid` WardenError.
 */
export async function verifyExport(file: string, options: VerifyExportOptions = {}): Promise<VerifyReport> {
  const givenKey = options.publicKey === undefined ? undefined : toVerifyKey(options.publicKey);
  const problems: ExportProblem[] = [];
  let omitted = 0;
  const report = (problem: ExportProblem): void => {
    if (problems.length < MAX_REPORTED_PROBLEMS) problems.push(problem);
    else omitted += 1;
  };
  const paths = exportPaths(file);
  const manifestBytes = await readOptional(paths.manifest);
  const manifest = manifestBytes === undefined ? undefined : parseManifest(manifestBytes, report);
  if (manifestBytes === undefined) report({ reason: `manifest ${paths.manifest} is missing` });
  const signature = await checkSignature(paths.signature, manifestBytes, manifest, givenKey, report);

  const format: ExportFormat = manifest?.format ?? (file.endsWith('.csv') ? 'csv' : 'ndjson');
  const checker = new RecordChecker(report, manifest?.orgId, rangeOf(manifest, report));
  const fileHash = createHash('sha256');
  let records = 0;
  try {
    for await (const row of readExportRows(file, format, (chunk) => fileHash.update(chunk))) {
      if (row.seq > 0) records = row.seq;
      if ('error' in row) {
        report({ ...(row.seq > 0 ? { seq: row.seq } : {}), reason: row.error });
        continue;
      }
      const parsed = exportRecordSchema.safeParse(row.value);
      if (!parsed.success) report({ seq: row.seq, reason: `not an export record: ${describeSchemaError(parsed.error)}` });
      else checker.check(row.seq, parsed.data);
    }
  } catch (error) {
    report({ reason: `export file cannot be read: ${error instanceof Error ? error.message : String(error)}` });
  }
  if (manifest !== undefined) {
    if (fileHash.digest('hex') !== manifest.sha256) report({ reason: 'file sha256 does not match the manifest' });
    checker.compareWith(manifest);
  }
  const first = problems.find((problem) => problem.seq !== undefined);
  return {
    ok: problems.length === 0 && omitted === 0,
    records,
    problems,
    problemsOmitted: omitted,
    ...(first === undefined ? {} : { firstBad: { seq: first.seq as number, position: first.position, reason: first.reason } }),
    signature,
    ...(manifest === undefined ? {} : { manifest }),
  };
}

function parseManifest(bytes: Buffer, report: (problem: ExportProblem) => void): ExportManifest | undefined {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    report({ reason: 'manifest is not valid JSON' });
    return undefined;
  }
  const parsed = exportManifestSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  report({ reason: `manifest is malformed: ${describeSchemaError(parsed.error)}` });
  return undefined;
}

async function checkSignature(
  path: string,
  manifestBytes: Buffer | undefined,
  manifest: ExportManifest | undefined,
  givenKey: KeyObject | undefined,
  report: (problem: ExportProblem) => void,
): Promise<SignatureCheck> {
  const signature = await readOptional(path);
  if (signature === undefined) {
    if (givenKey === undefined) return { status: 'unsigned' };
    report({ reason: `a public key was given but the signature ${path} is missing` });
    return { status: 'missing', keySource: 'given' };
  }
  const keySource = givenKey === undefined ? 'manifest' : 'given';
  const key = givenKey ?? manifestKey(manifest, report);
  if (key === undefined || manifestBytes === undefined) {
    report({ reason: 'the signature cannot be checked: no manifest or no public key' });
    return { status: 'invalid', keySource };
  }
  if (verifyManifestSignature(manifestBytes, signature.toString('utf8'), key)) return { status: 'valid', keySource };
  report({ reason: `manifest signature does not verify with the ${keySource === 'given' ? 'given' : "manifest's"} public key` });
  return { status: 'invalid', keySource };
}

function manifestKey(manifest: ExportManifest | undefined, report: (problem: ExportProblem) => void): KeyObject | undefined {
  if (manifest?.publicKey === undefined) return undefined;
  try {
    return toVerifyKey(manifest.publicKey);
  } catch {
    report({ reason: 'the public key in the manifest is not a readable Ed25519 key' });
    return undefined;
  }
}

function rangeOf(manifest: ExportManifest | undefined, report: (problem: ExportProblem) => void): TimeRange {
  try {
    return parseTimeRange(manifest?.from ?? undefined, manifest?.to ?? undefined);
  } catch {
    report({ reason: 'manifest range is not a valid time range' });
    return {};
  }
}

async function readOptional(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
