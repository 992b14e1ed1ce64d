import { DECISIONS_STREAM_PREFIX, EventLedger, orgStream, type RecordedEvent } from '@warden/ledger';
import { parsePermissionDecided } from '@warden/projection';

const PAGE = 5000;

/** Org-level events that change every device's permission, so they belong in each device's history. */
const ORG_WIDE: ReadonlySet<string> = new Set(['OrgSuspended', 'OrgResumed', 'DeviceLimitSet']);

export interface HistoryEntry {
  readonly position: string;
  readonly stream: string;
  readonly type: string;
  readonly at: string;
  readonly actor: string;
  readonly data: unknown;
}

/**
 * A device's history: its control events and the org-wide ones that affect it (from the org
 * stream, chain verified), and every decision recorded about it by any node, in ledger order.
 *
 * Decisions are found by scanning the decision streams; an indexed audit store replaces
 * this scan in the audit work (it is fine for the walking skeleton, not for 10^7 records).
 */
export class DeviceHistoryReader {
  constructor(private readonly ledger: EventLedger) {}

  async read(orgId: string, deviceId: string): Promise<{ deviceId: string; events: HistoryEntry[] }> {
    const control = (await this.ledger.readStream(orgStream(orgId))).filter(
      (event) => deviceIdOf(event.data) === deviceId || ORG_WIDE.has(event.type),
    );
    const decisions = await this.decisionsOf(orgId, deviceId);
    const events = [...control, ...decisions]
      .sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0))
      .map(toEntry);
    return { deviceId, events };
  }

  private async decisionsOf(orgId: string, deviceId: string): Promise<RecordedEvent[]> {
    const found: RecordedEvent[] = [];
    let after: bigint | undefined;
    for (;;) {
      const page = await this.ledger.readAll({ after, streamPrefixes: [DECISIONS_STREAM_PREFIX], limit: PAGE });
      for (const event of page) {
        const data = event.data as { orgId?: unknown; deviceId?: unknown };
        if (data.orgId === orgId && data.deviceId === deviceId) found.push({ ...event, data: parsePermissionDecided(event.data).data });
      }
      if (page.length < PAGE) return found;
      after = page[page.length - 1]!.position;
    }
  }
}

function deviceIdOf(data: unknown): unknown {
  return (data as { deviceId?: unknown } | null)?.deviceId;
}

function toEntry(event: RecordedEvent): HistoryEntry {
  const data = event.data as { at?: string; decidedAt?: string };
  return {
    position: event.position.toString(),
    stream: event.streamId,
    type: event.type,
    at: data.at ?? data.decidedAt ?? '',
    actor: event.metadata.actor,
    data: event.data,
  };
}
