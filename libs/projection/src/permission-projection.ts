import {
  evolveOrg,
  initialOrgState,
  LedgerIntegrityError,
  WardenError,
  type KeyScope,
  type OrgEvent,
  type OrgState,
} from '@warden/domain';
import { GENESIS_HASH, orgIdFromStream, type RecordedEvent } from '@warden/ledger';
import { parseOrgEvent } from './org-event.schemas';
import { PositionWaiters } from './position-waiters';

/** Who a key belongs to; looked up by the key's sha256 hash. */
export interface KeyPrincipal {
  readonly orgId: string;
  readonly keyId: string;
  readonly scope: KeyScope;
}

/**
 * The in-memory permission read model: every org's state, plus an index of active keys by
 * hash. Fed in ledger order by `apply`; a validation is a pure function of it.
 *
 * It checks each org stream's hash-chain links as events arrive (cheap: one string compare);
 * full hash recomputation is left to readStream and the audit tools.
 */
/** The last org event folded: what a snapshot checks the ledger still holds. */
export interface AppliedEvent {
  readonly position: bigint;
  readonly streamId: string;
  readonly revision: bigint;
  readonly hash: string;
}

/** Everything the projection knows, at `last.position`: what a snapshot holds. */
export interface ProjectionState {
  readonly last: AppliedEvent;
  readonly orgs: ReadonlyMap<string, OrgState>;
  readonly lastHash: ReadonlyMap<string, string>;
  readonly lastEventIds: ReadonlyMap<string, string>;
}

export class PermissionProjection {
  private readonly orgs = new Map<string, OrgState>();
  private readonly keysByHash = new Map<string, KeyPrincipal>();
  private readonly lastHash = new Map<string, string>();
  private readonly lastEventIds = new Map<string, string>();
  private readonly positions = new PositionWaiters();
  private failure: Error | undefined;
  private last: AppliedEvent | undefined;

  /** Position of the last event applied, or undefined before the first. */
  get position(): bigint | undefined {
    return this.positions.current;
  }

  /** Set once the projection could not apply an event (corrupt ledger): callers must fail closed. */
  get failed(): Error | undefined {
    return this.failure;
  }

  org(orgId: string): OrgState | undefined {
    return this.orgs.get(orgId);
  }

  orgIds(): IterableIterator<string> {
    return this.orgs.keys();
  }

  get orgCount(): number {
    return this.orgs.size;
  }

  /** Id of the last event folded into the org's state (what a "current state" push names as its cause). */
  lastEventId(orgId: string): string | undefined {
    return this.lastEventIds.get(orgId);
  }

  authenticate(keyHash: string): KeyPrincipal | undefined {
    return this.keysByHash.get(keyHash);
  }

  /** Marks the projection as failed (its feed stopped): waiters are rejected, callers fail closed. */
  fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.positions.fail(error);
  }

  /** Applies one recorded control event; events of other streams only advance the position. */
  apply(recorded: RecordedEvent): void {
    try {
      const orgId = orgIdFromStream(recorded.streamId);
      if (orgId !== undefined) {
        this.applyOrgEvent(orgId, recorded);
        const { position, streamId, revision } = recorded;
        this.last = { position, streamId, revision, hash: recorded.metadata.hash };
      }
      this.positions.advance(recorded.position);
    } catch (error) {
      this.fail(error instanceof Error ? error : new LedgerIntegrityError(String(error), recorded.streamId, recorded.revision, recorded.position));
      throw this.failure;
    }
  }

  /** Resolves once the event at `position` (or a later one) has been applied. */
  /** The projection's state (live, not a copy: read it before the next apply), or undefined before any org event. */
  state(): ProjectionState | undefined {
    if (this.last === undefined) return undefined;
    return { last: this.last, orgs: this.orgs, lastHash: this.lastHash, lastEventIds: this.lastEventIds };
  }

  /**
   * Starts an empty projection from a state read back from a snapshot (its position
   * included): the runner then follows the ledger from there. The hash links of the events
   * that follow are checked against the snapshot's, as always.
   */
  restore(state: ProjectionState): void {
    if (this.positions.current !== undefined || this.orgs.size > 0) {
      throw new WardenError('conflict', 'projection_not_empty', 'a snapshot can only be restored into an empty projection');
    }
    for (const [orgId, org] of state.orgs) {
      this.orgs.set(orgId, org);
      for (const key of org.keys.values()) this.keysByHash.set(key.keyHash, { orgId, keyId: key.keyId, scope: key.scope });
    }
    for (const [orgId, hash] of state.lastHash) this.lastHash.set(orgId, hash);
    for (const [orgId, eventId] of state.lastEventIds) this.lastEventIds.set(orgId, eventId);
    this.last = state.last;
    this.positions.advance(state.last.position);
  }

  waitForPosition(position: bigint): Promise<void> {
    return this.positions.waitFor(position);
  }

  /** Resolves once the org's state has folded in its event at `revision` (or later). */
  waitForOrgRevision(orgId: string, revision: number): Promise<void> {
    return this.positions.waitUntil(() => (this.orgs.get(orgId)?.revision ?? -1) >= revision);
  }

  private applyOrgEvent(orgId: string, recorded: RecordedEvent): void {
    const expectedPrev = this.lastHash.get(orgId) ?? GENESIS_HASH;
    if (recorded.metadata.prevHash !== expectedPrev) {
      throw new LedgerIntegrityError(
        `hash chain broken in ${recorded.streamId} at revision ${recorded.revision}`,
        recorded.streamId,
        recorded.revision,
        recorded.position,
      );
    }
    this.lastHash.set(orgId, recorded.metadata.hash);
    this.lastEventIds.set(orgId, recorded.eventId);
    let state = this.orgs.get(orgId);
    if (!state) {
      state = initialOrgState(orgId);
      this.orgs.set(orgId, state);
    }
    const event = parseStored(recorded);
    if (event) {
      this.indexKeys(event);
      evolveOrg(state, event);
    }
    state.revision = Number(recorded.revision);
  }

  private indexKeys(event: OrgEvent): void {
    if (event.type === 'OrgKeyIssued') {
      const { orgId, keyId, keyHash, scope } = event.data;
      this.keysByHash.set(keyHash, { orgId, keyId, scope });
    } else if (event.type === 'OrgKeyRevoked') {
      const key = this.orgs.get(event.data.orgId)?.keys.get(event.data.keyId);
      if (key) this.keysByHash.delete(key.keyHash);
    }
  }
}

/** parseOrgEvent, with a payload that does not match its schema reported as the ledger integrity failure it is. */
function parseStored(recorded: RecordedEvent): OrgEvent | undefined {
  try {
    return parseOrgEvent(recorded.type, recorded.data);
  } catch {
    throw new LedgerIntegrityError(
      `${recorded.streamId}@${recorded.revision}: ${recorded.type} payload does not match its schema`,
      recorded.streamId,
      recorded.revision,
      recorded.position,
    );
  }
}
