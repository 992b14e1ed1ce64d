import {
  evolveOrg,
  initialOrgState,
  LedgerIntegrityError,
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
export class PermissionProjection {
  private readonly orgs = new Map<string, OrgState>();
  private readonly keysByHash = new Map<string, KeyPrincipal>();
  private readonly lastHash = new Map<string, string>();
  private readonly lastEventIds = new Map<string, string>();
  private readonly positions = new PositionWaiters();
  private failure: Error | undefined;

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
      if (orgId !== undefined) this.applyOrgEvent(orgId, recorded);
      this.positions.advance(recorded.position);
    } catch (error) {
      this.fail(error instanceof Error ? error : new LedgerIntegrityError(String(error), recorded.streamId, recorded.revision, recorded.position));
      throw this.failure;
    }
  }

  /** Resolves once the event at `position` (or a later one) has been applied. */
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
    const event = parseOrgEvent(recorded.type, recorded.data);
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
