import { createHash } from 'node:crypto';
import type { OrgEvent } from '@warden/domain';
import { EventLedger, GENESIS_HASH, orgStream, type RecordedEvent } from '@warden/ledger';

/** An event of any type, for feeding unknown or malformed events next to real ones. */
export interface AnyEvent {
  readonly type: string;
  readonly data: { readonly orgId: string } & Record<string, unknown>;
}

/**
 * The event as the ledger holds it: the decider fixtures give keys a readable fake hash,
 * while stored OrgKeyIssued events carry a sha256 hex digest (and are parsed as such).
 */
export function asStored(event: OrgEvent | AnyEvent): OrgEvent | AnyEvent {
  if (event.type !== 'OrgKeyIssued') return event;
  const keyHash = createHash('sha256').update(String(event.data.keyHash)).digest('hex');
  return { type: event.type, data: { ...event.data, keyHash } };
}

/**
 * Turns domain events into RecordedEvents as a ledger would (positions across the log,
 * revisions per org stream, event ids `e<position>`), without a ledger. The tracker does
 * not check hash links, so the chain fields are placeholders.
 */
export class OrgEventFeed {
  private position = 0n;
  private readonly revisions = new Map<string, bigint>();

  record(event: OrgEvent | AnyEvent, streamId = orgStream(event.data.orgId)): RecordedEvent {
    const stored = asStored(event);
    this.position += 1n;
    const revision = (this.revisions.get(streamId) ?? -1n) + 1n;
    this.revisions.set(streamId, revision);
    return {
      streamId,
      revision,
      position: this.position,
      eventId: `e${this.position}`,
      type: stored.type,
      data: stored.data,
      metadata: { actor: 'admin', correlationId: 'test', prevHash: GENESIS_HASH, hash: GENESIS_HASH },
    };
  }
}

let nextEventId = 0;

/** Appends events to their org streams (one append per event); returns the position of the last. */
export async function appendOrgEvents(ledger: EventLedger, ...events: (OrgEvent | AnyEvent)[]): Promise<bigint> {
  let position = 0n;
  for (const event of events.map(asStored)) {
    const eventId = `evt-${process.pid}-${++nextEventId}`;
    const result = await ledger.append(
      orgStream(event.data.orgId),
      [{ eventId, type: event.type, data: event.data, metadata: { actor: 'admin', correlationId: eventId } }],
      { expectedRevision: 'any' },
    );
    position = result.position;
  }
  return position;
}
