import { LedgerUnavailableError, type PermissionDecided } from '@warden/domain';
import type { EventLedger, NewEvent } from '@warden/ledger';
import { EnforcementMetrics, NoopEnforcementMetrics } from './enforcement-metrics.port';
import { elapsedSeconds, startTimer } from './elapsed-seconds';

export interface DecisionRecorderOptions {
  /** Most records in one append. */
  maxBatch: number;
  /** How long the first record of a batch may wait for company; 0 = flush on the next turn of the event loop. */
  lingerMs: number;
}

interface Pending {
  readonly event: NewEvent;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

const DEFAULTS: DecisionRecorderOptions = { maxBatch: 1024, lingerMs: 0 };

/**
 * Group commit for decision records: every `record()` joins the next batch, and a batch is
 * one ledger append to this node's decisions stream. `record()` resolves only once the
 * batch is durable, so an allow can wait for it. At most one append is in flight; records
 * arriving meanwhile form the next batch, so batches grow with load instead of queueing
 * appends. A failed append rejects its whole batch with LedgerUnavailableError and the next
 * batch simply tries again: the recorder recovers by itself when the ledger is back.
 */
export class DecisionRecorder {
  private readonly options: DecisionRecorderOptions;
  private pending: Pending[] = [];
  private inFlight: Promise<void> | undefined;
  private scheduled = false;
  private lingerTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ledger: EventLedger,
    private readonly streamId: string,
    options: Partial<DecisionRecorderOptions> = {},
    private readonly metrics: EnforcementMetrics = new NoopEnforcementMetrics(),
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Resolves once the record is durable in the ledger; rejects with LedgerUnavailableError otherwise. */
  record(decision: PermissionDecided['data'], actor: string, correlationId: string): Promise<void> {
    return this.recordEvent({ eventId: decision.decisionId, type: 'PermissionDecided', data: decision, metadata: { actor, correlationId } });
  }

  /** Any record of this node's stream (acks use their own recorder on `acks-<nodeId>`); resolves once durable. */
  recordEvent(event: NewEvent): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ event, resolve, reject });
      this.schedule();
    });
  }

  /** Writes everything pending and waits for it. */
  async flush(): Promise<void> {
    while (this.inFlight || this.pending.length > 0) {
      if (this.inFlight) await this.inFlight;
      else this.startBatch();
    }
  }

  private schedule(): void {
    if (this.inFlight || this.scheduled) return;
    if (this.pending.length >= this.options.maxBatch) {
      this.startBatch();
      return;
    }
    this.scheduled = true;
    const fire = () => {
      this.scheduled = false;
      this.lingerTimer = undefined;
      if (!this.inFlight && this.pending.length > 0) this.startBatch();
    };
    if (this.options.lingerMs > 0) this.lingerTimer = setTimeout(fire, this.options.lingerMs);
    else setImmediate(fire);
  }

  private startBatch(): void {
    if (this.lingerTimer) {
      clearTimeout(this.lingerTimer);
      this.lingerTimer = undefined;
      this.scheduled = false;
    }
    const batch = this.pending.length <= this.options.maxBatch ? this.pending : this.pending.slice(0, this.options.maxBatch);
    this.pending = batch === this.pending ? [] : this.pending.slice(batch.length);
    this.inFlight = this.write(batch).finally(() => {
      this.inFlight = undefined;
      if (this.pending.length > 0) this.schedule();
    });
  }

  private async write(batch: Pending[]): Promise<void> {
    const events = batch.map((item) => item.event);
    const started = startTimer();
    try {
      await this.ledger.append(this.streamId, events, { expectedRevision: 'any' });
      this.metrics.ledgerAppended('decisions', elapsedSeconds(started), true);
      this.metrics.decisionBatchFlushed(batch.length);
      for (const item of batch) item.resolve();
    } catch (error) {
      this.metrics.ledgerAppended('decisions', elapsedSeconds(started), false);
      const failure =
        error instanceof LedgerUnavailableError ? error : new LedgerUnavailableError('decision records could not be written', error);
      for (const item of batch) item.reject(failure);
    }
  }
}
