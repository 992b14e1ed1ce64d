import { foldPermissionChanges, type OrgEvent, type OrgState } from '@warden/domain';
import { ACKS_STREAM_PREFIX, type EventLedger, type RecordedEvent } from '@warden/ledger';
import type { ChainChecker } from './chain-checker';
import type { MalformedRecord } from './decision-index';
import { PERMISSION_ACKNOWLEDGED, parseRecordedAck } from './device-acks';
import { scanLedger, type ScanProgress } from './ledger-scan';

/** A recorded ack that answers no change of its device's permission. */
export interface UnexpectedAck {
  readonly orgId: string;
  readonly deviceId: string;
  /** Where the ack is recorded: its stream, revision and ledger position (decimal strings). */
  readonly streamId: string;
  readonly revision: string;
  readonly position: string;
  /** The position the ack says it acknowledges. */
  readonly ackedPosition: string;
  readonly detail: string;
}

/** The compact form of one recorded ack that replay keeps in memory. */
interface AckTuple {
  readonly orgId: string;
  readonly deviceId: string;
  readonly ackedPosition: bigint;
  readonly streamId: string;
  readonly revision: bigint;
  readonly position: bigint;
}

/**
 * Checks every recorded ack against the ledger: an ack of device D at position P is expected
 * only when P is a control event of D's org, recorded before the ack, that changed D's
 * permission, by the relay's own definition (`foldPermissionChanges`). Fed in two steps: `index`
 * scans the `acks-` streams (chain-checked); `around` runs inside the org fold at every control
 * event and computes the changes only where acks point; `finish` names the acks whose position
 * was no control event of their org. Memory: one tuple per ack.
 */
export class AckCheck {
  readonly unexpected: UnexpectedAck[] = [];
  readonly malformed: MalformedRecord[] = [];
  /** Acks indexed (within the org filter). */
  acks = 0;
  /** Events read from the ack streams. */
  events = 0;
  /** orgId → acked position → acks. */
  private readonly byOrg = new Map<string, Map<bigint, AckTuple[]>>();

  /** Scans the ack streams, keeping the acks of `orgId` (all when undefined). */
  async index(ledger: EventLedger, checker: ChainChecker, options: { orgId?: string; onProgress?: (progress: ScanProgress) => void }): Promise<void> {
    const scan = scanLedger(ledger, { streamPrefixes: [ACKS_STREAM_PREFIX], onProgress: options.onProgress, onUnreadable: (error) => checker.unreadable(error) });
    for await (const recorded of scan) {
      this.events++;
      checker.check(recorded);
      if (recorded.type !== PERMISSION_ACKNOWLEDGED) continue;
      let ack;
      try {
        ack = parseRecordedAck(recorded);
      } catch (error) {
        this.malformed.push({ streamId: recorded.streamId, position: recorded.position.toString(), reason: error instanceof Error ? error.message : String(error) });
        continue;
      }
      if (options.orgId !== undefined && ack.orgId !== options.orgId) continue;
      this.acks++;
      const tuple: AckTuple = {
        orgId: ack.orgId,
        deviceId: ack.deviceId,
        ackedPosition: BigInt(ack.position),
        streamId: recorded.streamId,
        revision: recorded.revision,
        position: recorded.position,
      };
      let positions = this.byOrg.get(ack.orgId);
      if (!positions) {
        positions = new Map();
        this.byOrg.set(ack.orgId, positions);
      }
      const list = positions.get(tuple.ackedPosition) ?? [];
      if (list.length === 0) positions.set(tuple.ackedPosition, list);
      list.push(tuple);
    }
  }

  /** Folds a control event through `evolve`; where acks point at it, checks them against what it changed. */
  around(state: OrgState, event: OrgEvent, recorded: RecordedEvent, evolve: () => void): void {
    const positions = this.byOrg.get(state.orgId);
    const acks = positions?.get(recorded.position);
    if (!acks) return evolve();
    positions!.delete(recorded.position);
    const changed = new Set(foldPermissionChanges(state, event, evolve, Date.parse(event.data.at)).map((change) => change.deviceId));
    for (const ack of acks) {
      if (ack.position <= recorded.position) this.fail(ack, `the ${event.type} it acknowledges was recorded after the ack`);
      else if (!changed.has(ack.deviceId)) this.fail(ack, `the ${event.type} at ${recorded.position} did not change the permission of ${ack.deviceId}`);
    }
  }

  /** After the fold: every ack left points at no control event of its org. */
  finish(): void {
    for (const positions of this.byOrg.values()) {
      for (const acks of positions.values()) {
        for (const ack of acks) this.fail(ack, `position ${ack.ackedPosition} is no control event of org ${ack.orgId}`);
      }
    }
    this.byOrg.clear();
    this.unexpected.sort((a, b) => (BigInt(a.position) < BigInt(b.position) ? -1 : BigInt(a.position) > BigInt(b.position) ? 1 : 0));
  }

  private fail(ack: AckTuple, reason: string): void {
    this.unexpected.push({
      orgId: ack.orgId,
      deviceId: ack.deviceId,
      streamId: ack.streamId,
      revision: ack.revision.toString(),
      position: ack.position.toString(),
      ackedPosition: ack.ackedPosition.toString(),
      detail: `ack of ${ack.deviceId} (org ${ack.orgId}) for position ${ack.ackedPosition}: ${reason}`,
    });
  }
}
