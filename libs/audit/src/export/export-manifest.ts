import { z } from 'zod';
import type { ExportRecord } from './export-record';

/** Formats an export can be written in. */
export type ExportFormat = 'ndjson' | 'csv';

/**
 * What an export claims about itself, written beside it as `<out>.manifest.json` (and signed
 * into `<out>.manifest.sig` when a key is given). Positions are decimal strings.
 */
export interface ExportManifest {
  format: ExportFormat;
  orgId: string;
  /** The requested range (both bounds inclusive), null when open. */
  from: string | null;
  to: string | null;
  records: number;
  controlEvents: number;
  decisions: number;
  /** Position of the first and last exported record, null for an empty export. */
  firstPosition: string | null;
  lastPosition: string | null;
  /** For each stream in the export, the ledger hash of its last exported record. */
  chainHeads: Record<string, string>;
  /** The `chain` of the last record (64 zeros for an empty export). */
  exportChainHead: string;
  /** sha256 (hex) of the export file's bytes. */
  sha256: string;
  toolVersion: string;
  createdAt: string;
  /** SPKI PEM of the signing key's public key, when the export is signed. */
  publicKey?: string;
}

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const decimal = z.string().regex(/^\d+$/);

/** Schema of a manifest read back from disk. */
export const exportManifestSchema = z.object({
  format: z.enum(['ndjson', 'csv']),
  orgId: z.string().min(1),
  from: z.string().nullable(),
  to: z.string().nullable(),
  records: z.number().int().nonnegative(),
  controlEvents: z.number().int().nonnegative(),
  decisions: z.number().int().nonnegative(),
  firstPosition: decimal.nullable(),
  lastPosition: decimal.nullable(),
  chainHeads: z.record(z.string(), hex64),
  exportChainHead: hex64,
  sha256: hex64,
  toolVersion: z.string(),
  createdAt: z.string(),
  publicKey: z.string().optional(),
});

/** The exact bytes written to (and signed in) the manifest file. */
export function serializeManifest(manifest: ExportManifest): Buffer {
  return Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
}

/** The counted part of a manifest: what the exporter tallies and the verifier recounts. */
export type ManifestTotals = Pick<
  ExportManifest,
  'records' | 'controlEvents' | 'decisions' | 'firstPosition' | 'lastPosition' | 'chainHeads' | 'exportChainHead'
>;

/** Tallies records as they stream past; holds one entry per stream, never the records. */
export class ManifestTally {
  private readonly totals: ManifestTotals = {
    records: 0,
    controlEvents: 0,
    decisions: 0,
    firstPosition: null,
    lastPosition: null,
    chainHeads: {},
    exportChainHead: '0'.repeat(64),
  };

  constructor(private readonly controlStream: string) {}

  add(record: Pick<ExportRecord, 'stream' | 'position' | 'hash' | 'chain'>): void {
    const t = this.totals;
    t.records += 1;
    if (record.stream === this.controlStream) t.controlEvents += 1;
    else t.decisions += 1;
    t.firstPosition ??= record.position;
    t.lastPosition = record.position;
    t.chainHeads[record.stream] = record.hash;
    t.exportChainHead = record.chain;
  }

  /** A copy of the totals so far, chain heads sorted by stream for a stable manifest. */
  snapshot(): ManifestTotals {
    const heads = Object.keys(this.totals.chainHeads).sort();
    const chainHeads: Record<string, string> = {};
    for (const stream of heads) chainHeads[stream] = this.totals.chainHeads[stream];
    return { ...this.totals, chainHeads };
  }
}
