import { cloneOrgState, foldPermissionChanges, initialOrgState, type OrgEvent, type OrgState } from '@warden/domain';
import { orgIdFromStream, type RecordedEvent } from '@warden/ledger';
import { foldRecordedOrgEvent } from '@warden/events';
import type { PermissionMessage } from './permission-contract';
import { messageOf, orgMessageOf, originOf, type Origin } from './permission-message.builders';

const NO_MESSAGES: readonly PermissionMessage[] = Object.freeze([]);

/**
 * Turns the ledger's control events into permission changes: keeps its own state of every
 * org (folded by the same `evolveOrg` as the projection) and, for each org event, returns
 * one message per device whose effective verdict changed (`foldPermissionChanges`, the one
 * definition audit replay checks acks against; its cost is described there), plus one
 * org-level message on OrgSuspended / OrgResumed.
 */
export class PermissionChangeTracker {
  private readonly orgs = new Map<string, OrgState>();

  /** A tracker that starts from copies of these org states (the fold up to some ledger position) instead of nothing. */
  static from(orgs: Iterable<OrgState>): PermissionChangeTracker {
    const tracker = new PermissionChangeTracker();
    for (const org of orgs) tracker.orgs.set(org.orgId, cloneOrgState(org));
    return tracker;
  }

  /** The tracked state of an org (read-only by contract: mutating it corrupts the tracker). */
  org(orgId: string): Readonly<OrgState> | undefined {
    return this.orgs.get(orgId);
  }

  get orgCount(): number {
    return this.orgs.size;
  }

  /**
   * Folds one recorded event and returns the permission messages it causes, in a stable
   * order (the org-level message first, then devices in registration order). Events of
   * non-org streams, unknown event types and events already folded (same or older revision)
   * return no message. A known event type with a malformed payload throws LedgerIntegrityError.
   */
  apply(recorded: RecordedEvent): readonly PermissionMessage[] {
    const orgId = orgIdFromStream(recorded.streamId);
    if (orgId === undefined) return NO_MESSAGES;
    const state = this.orgs.get(orgId) ?? this.track(orgId);
    if (Number(recorded.revision) <= state.revision) return NO_MESSAGES;
    let messages: readonly PermissionMessage[] = NO_MESSAGES;
    foldRecordedOrgEvent(state, recorded, (event, evolve) => {
      messages = messagesOf(state, event, evolve, originOf(orgId, recorded, event));
    });
    return messages;
  }

  private track(orgId: string): OrgState {
    const state = initialOrgState(orgId);
    this.orgs.set(orgId, state);
    return state;
  }
}

/** Folds the event (through `evolve`) and returns the messages of the verdicts it changed. */
function messagesOf(state: OrgState, event: OrgEvent, evolve: () => void, origin: Origin): readonly PermissionMessage[] {
  const changes = foldPermissionChanges(state, event, evolve, origin.atMs);
  const orgLevel = event.type === 'OrgSuspended' || event.type === 'OrgResumed';
  if (!orgLevel && changes.length === 0) return NO_MESSAGES;
  // The org-level message leads the list; evolve set `suspended` to exactly what it says.
  const messages: PermissionMessage[] = orgLevel ? [orgMessageOf(origin, event.type === 'OrgSuspended')] : [];
  for (const change of changes) messages.push(messageOf(origin, change.deviceId, change.verdict));
  return messages;
}
