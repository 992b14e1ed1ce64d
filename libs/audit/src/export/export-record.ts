import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { EventMetadata, RecordedEvent } from '@warden/ledger';

/** The `chain` the first exported record links to: 64 zeros. */
export const EXPORT_CHAIN_GENESIS = '0'.repeat(64);

/**
 * One exported record. Positions and revisions are decimal strings (they are 64-bit).
 * `metadata` holds the event's metadata other than `actor`, `prevHash` and `hash` (correlation
 * and causation ids, and any other key), so the ledger hash can be recomputed from the line.
 */
export interface ExportRecord {
  /** 1-based line number of the record in the export. */
  seq: number;
  position: string;
  stream: string;
  revision: string;
  eventId: string;
  type: string;
  data: unknown;
  actor: string;
  metadata: Record<string, unknown>;
  /** The ledger's hash-chain link of the event in its own stream. */
  prevHash: string;
  hash: string;
  /** sha256(previous record's chain + canonical(this record without chain)): the export's own chain. */
  chain: string;
}

/** An exported record before its export chain link is computed. */
export type UnchainedRecord = Omit<ExportRecord, 'chain'>;

/** The export chain link of a record: sha256(prevChain + canonical(record without chain)). */
export function exportChainLink(prevChain: string, record: UnchainedRecord): string {
  const { seq, position, stream, revision, eventId, type, data, actor, metadata, prevHash, hash } = record;
  const body = canonicalize({ seq, position, stream, revision, eventId, type, data, actor, metadata, prevHash, hash });
  return createHash('sha256')
    .update(prevChain)
    .update(body ?? '')
    .digest('hex');
}

/** The metadata the ledger hashed for this record (everything but `hash`), rebuilt from the line. */
export function ledgerMetadataOf(record: Pick<ExportRecord, 'actor' | 'metadata' | 'prevHash'>): EventMetadata {
  return { ...record.metadata, actor: record.actor, prevHash: record.prevHash } as EventMetadata;
}

/**
 * Turns ledger events into export records, numbering them and extending the export chain.
 * One encoder per export; the file exporter and the HTTP stream share it, so both produce
 * the same records.
 */
export class ExportEncoder {
  private seq = 0;
  private chain = EXPORT_CHAIN_GENESIS;

  /** The chain of the last record encoded (EXPORT_CHAIN_GENESIS before the first). */
  get chainHead(): string {
    return this.chain;
  }

  /** Encodes the next record of the export. */
  encode(event: RecordedEvent): ExportRecord {
    const { actor, prevHash, hash, ...rest } = event.metadata;
    const unchained: UnchainedRecord = {
      seq: ++this.seq,
      position: event.position.toString(),
      stream: event.streamId,
      revision: event.revision.toString(),
      eventId: event.eventId,
      type: event.type,
      data: event.data,
      actor,
      metadata: withoutUndefined(rest),
      prevHash,
      hash,
    };
    this.chain = exportChainLink(this.chain, unchained);
    return { ...unchained, chain: this.chain };
  }
}

/** Drops undefined values, which JSON and canonicalization both skip, so every format agrees. */
function withoutUndefined(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = item;
  return out;
}
