import { GENESIS_HASH, ORG_STREAM_PREFIX, computeEventHash, orgStream } from '@warden/ledger';
import { type ExportManifest, type ManifestTotals, ManifestTally } from './export-manifest';
import { EXPORT_CHAIN_GENESIS, type ExportRecord, exportChainLink, ledgerMetadataOf } from './export-record';
import { type TimeRange, belongsToOrg, isInRange } from './export-records';

/** One thing wrong with an export; `seq` is the 1-based record (line) number where it was found. */
export interface ExportProblem {
  seq?: number;
  position?: string;
  reason: string;
}

interface StreamTail {
  revision: bigint;
  hash: string;
}

/**
 * Checks exported records one by one, in file order, holding one tail per stream and never
 * the records: seq numbering, the export chain, each record's ledger hash, stream links and
 * order, org membership and time range. `finish` compares the recount with the manifest.
 */
export class RecordChecker {
  private prevChain = EXPORT_CHAIN_GENESIS;
  private lastPosition: bigint | undefined;
  private readonly tails = new Map<string, StreamTail>();
  private readonly tally: ManifestTally;

  constructor(
    private readonly report: (problem: ExportProblem) => void,
    private readonly orgId: string | undefined,
    private readonly range: TimeRange,
  ) {
    this.tally = new ManifestTally(orgId === undefined ? '' : orgStream(orgId));
  }

  /** Checks the record found at `seq` (its line number). */
  check(seq: number, record: ExportRecord): void {
    const fail = (reason: string): void => this.report({ seq, position: record.position, reason });
    if (record.seq !== seq) {
      fail(`expected seq ${seq}, found ${record.seq}: a line is missing, duplicated or out of order`);
    }
    if (exportChainLink(this.prevChain, record) !== record.chain) {
      fail('export chain does not match: this line or the one before it was altered, removed or moved');
    }
    this.prevChain = record.chain;
    const event = { type: record.type, data: record.data, metadata: ledgerMetadataOf(record) };
    if (computeEventHash(event) !== record.hash) fail('ledger hash does not match the record content');
    const position = BigInt(record.position);
    if (this.lastPosition !== undefined && position <= this.lastPosition) {
      fail(`position ${position} does not follow position ${this.lastPosition}: records out of ledger order`);
    }
    this.lastPosition = position;
    this.checkLink(record, fail);
    if (this.orgId !== undefined && !belongsToOrg({ streamId: record.stream, data: record.data }, this.orgId)) {
      fail(`record does not belong to org ${this.orgId}`);
    }
    if (!isInRange({ data: record.data }, this.range)) fail('record time is outside the exported range');
    this.tally.add(record);
  }

  /** The recount of what was checked. */
  totals(): ManifestTotals {
    return this.tally.snapshot();
  }

  /** Reports every difference between the recount and the manifest. */
  compareWith(manifest: ExportManifest): void {
    const actual = this.totals();
    const fields = ['records', 'controlEvents', 'decisions', 'firstPosition', 'lastPosition', 'exportChainHead'] as const;
    for (const field of fields) {
      if (actual[field] !== manifest[field]) {
        this.report({ reason: `manifest ${field} is ${manifest[field]}, the file has ${actual[field]}` });
      }
    }
    const streams = new Set([...Object.keys(actual.chainHeads), ...Object.keys(manifest.chainHeads)]);
    for (const stream of [...streams].sort()) {
      if (actual.chainHeads[stream] !== manifest.chainHeads[stream]) {
        this.report({ reason: `manifest chain head of ${stream} does not match the file's last record of it` });
      }
    }
  }

  /**
   * Within a stream, revisions rise, and a record that directly follows another (next revision)
   * links to its hash. Control streams are exported whole within the range, so there a gap is
   * a missing record; decision streams are filtered by org, so gaps there are expected.
   */
  private checkLink(record: ExportRecord, fail: (reason: string) => void): void {
    const revision = BigInt(record.revision);
    const tail = this.tails.get(record.stream);
    const control = record.stream.startsWith(ORG_STREAM_PREFIX);
    if (tail === undefined) {
      if (revision === 0n && record.prevHash !== GENESIS_HASH) fail('first event of the stream does not link to genesis');
    } else if (revision <= tail.revision) {
      fail(`revision ${revision} of ${record.stream} does not follow revision ${tail.revision}`);
    } else if (revision === tail.revision + 1n) {
      if (record.prevHash !== tail.hash) fail(`prevHash does not link to revision ${tail.revision} of ${record.stream}`);
    } else if (control) {
      fail(`control events ${tail.revision + 1n}..${revision - 1n} of ${record.stream} are missing`);
    }
    this.tails.set(record.stream, { revision, hash: record.hash });
  }
}
