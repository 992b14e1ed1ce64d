import { orgStream, type EventLedger } from '@warden/ledger';

export interface ControlEventQuery {
  readonly orgId: string;
  readonly deviceId?: string;
  readonly from?: string;
  readonly to?: string;
  /** Exclusive org-stream revision to continue after (the previous page's `nextCursor`). */
  readonly cursor?: bigint;
  readonly limit: number;
}

/** Fields never shown outside an export: a key's hash is of no use to an operator. */
const HIDDEN_FIELDS: ReadonlySet<string> = new Set(['keyHash']);

/**
 * The control events of one org (optionally those naming one device, a time range), in
 * ledger order, paged by revision of the org stream, each with the actor that caused it
 * (from the event's metadata). Control events are few next to decisions: a page reads the
 * org stream from its cursor.
 */
export class AuditEventsReader {
  constructor(private readonly ledger: EventLedger) {}

  async query(query: ControlEventQuery) {
    const recorded = await this.ledger.readStream(orgStream(query.orgId), { fromRevision: query.cursor === undefined ? undefined : query.cursor + 1n });
    const events = [];
    for (const event of recorded) {
      const data = (event.data ?? {}) as Record<string, unknown>;
      const at = typeof data.at === 'string' ? data.at : '';
      const deviceId = deviceOf(data);
      if (query.deviceId !== undefined && deviceId !== query.deviceId) continue;
      if ((query.from && at < query.from) || (query.to && at > query.to)) continue;
      events.push({
        position: event.position.toString(),
        revision: event.revision.toString(),
        type: event.type,
        at,
        actor: event.metadata.actor,
        deviceId,
        data: Object.fromEntries(Object.entries(data).filter(([field]) => !HIDDEN_FIELDS.has(field))),
      });
      if (events.length >= query.limit) return { events, nextCursor: event.revision.toString() };
    }
    return { events, nextCursor: null };
  }
}

/** The device an event concerns: its deviceId, or a lock selector's. */
function deviceOf(data: Record<string, unknown>): string | null {
  if (typeof data.deviceId === 'string') return data.deviceId;
  const selector = data.selector as { deviceId?: unknown } | undefined;
  return typeof selector?.deviceId === 'string' ? selector.deviceId : null;
}
