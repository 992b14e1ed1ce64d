import {
  ConcurrencyError,
  decideOrg,
  initialOrgState,
  LedgerUnavailableError,
  WardenError,
  type OrgCommand,
  type OrgDecision,
  type OrgState,
} from '@warden/domain';
import { orgStream, type EventLedger, type ExpectedRevision, type NewEvent } from '@warden/ledger';
import type { PermissionProjection } from '@warden/projection';
import { EnforcementMetrics, NoopEnforcementMetrics } from './enforcement-metrics.port';
import type { IdSource } from './id-source.port';
import { KeyedMutex } from './keyed-mutex';
import { withDeadline } from './with-deadline';
import { elapsedSeconds, startTimer } from './elapsed-seconds';

export interface CommandContext {
  /** Correlates the events with the request that caused them (the request id). */
  readonly correlationId: string;
}

export interface CommandResult {
  readonly decision: OrgDecision;
  /** Position of the last event appended, or of the projection when nothing was appended. */
  readonly position: bigint | undefined;
  /** The org's state after the command (read-your-writes): a live view, read it before awaiting. */
  readonly state: OrgState;
}

/** Conflicts only come from other replicas writing the same org; each retry first catches up with them. */
const MAX_ATTEMPTS = 25;
const CATCH_UP_TIMEOUT_MS = 10_000;

/**
 * Runs control commands: load the org's state from the projection, decide, append with the
 * expected revision, and answer only once the projection has applied the new events, so
 * the next validation on this node sees them. On a revision conflict (another replica
 * wrote first) it waits for the projection to catch up and decides again.
 */
export class OrgCommandService {
  private readonly mutex = new KeyedMutex();

  constructor(
    private readonly ledger: EventLedger,
    private readonly projection: PermissionProjection,
    private readonly ids: IdSource,
    private readonly metrics: EnforcementMetrics = new NoopEnforcementMetrics(),
  ) {}

  execute(command: OrgCommand, context: CommandContext): Promise<CommandResult> {
    return this.mutex.run(command.orgId, () => this.attempt(command, context, 1));
  }

  private async attempt(command: OrgCommand, context: CommandContext, attempt: number): Promise<CommandResult> {
    if (this.projection.failed) throw new LedgerUnavailableError('the permission projection has stopped', this.projection.failed);
    const state = this.projection.org(command.orgId) ?? initialOrgState(command.orgId);
    const decision = decideOrg(command, state);
    if (decision.events.length === 0) return { decision, position: this.projection.position, state };
    try {
      const { position } = await this.append(command, context, decision, expectedRevision(state));
      await this.caughtUp((signal) => this.projection.waitForPosition(position, signal));
      return { decision, position, state: this.projection.org(command.orgId) ?? state };
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= MAX_ATTEMPTS) throw error;
      const actual = error.actual === undefined ? state.revision + 1 : Number(error.actual);
      await this.caughtUp((signal) => this.projection.waitForOrgRevision(command.orgId, actual, signal));
      return this.attempt(command, context, attempt + 1);
    }
  }

  private async append(command: OrgCommand, context: CommandContext, decision: OrgDecision, expected: ExpectedRevision) {
    const events: NewEvent[] = decision.events.map((event) => ({
      eventId: this.ids.uuid(),
      type: event.type,
      data: event.data,
      metadata: { actor: command.actor, correlationId: context.correlationId },
    }));
    const started = startTimer();
    try {
      const result = await this.ledger.append(orgStream(command.orgId), events, { expectedRevision: expected });
      this.metrics.ledgerAppended('org', elapsedSeconds(started), true);
      return result;
    } catch (error) {
      this.metrics.ledgerAppended('org', elapsedSeconds(started), false);
      if (error instanceof WardenError) throw error;
      throw new LedgerUnavailableError('the control event could not be written', error);
    }
  }

  private caughtUp(wait: (signal: AbortSignal) => Promise<void>): Promise<void> {
    return withDeadline(wait, CATCH_UP_TIMEOUT_MS, () => new LedgerUnavailableError('the projection did not catch up with the ledger in time'));
  }
}

function expectedRevision(state: OrgState): ExpectedRevision {
  return state.revision < 0 ? 'no_stream' : BigInt(state.revision);
}
