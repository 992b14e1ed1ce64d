import type { PropagationReport, PropagationTracker, TrackedChange } from './propagation-tracker';

/** How many answers may be held for acks at once on this node, in all and per org. */
export interface PropagationWaitLimits {
  readonly maxWaits: number;
  readonly maxWaitsPerOrg: number;
}

/** What a kill command committed, for the report its answer carries. */
export interface CommittedChange {
  readonly orgId: string;
  /** The positions of the command's events, ascending (one, or one per device of a batch revoke). */
  readonly positions: readonly bigint[];
  /** When the command was committed (used only when the change pushed nothing). */
  readonly committedAt: string;
}

/** The report, and whether the answer really waited for it (false when the caps were full). */
export interface AwaitedReport {
  readonly report: PropagationReport;
  readonly waited: boolean;
}

/**
 * The answers of kill commands held until their change is acknowledged (`awaitAcks`). A held
 * answer costs a connection, a timer and a listener, for at most its timeout (30 s), so the
 * holds are capped per node and per org (one org cannot take every slot); beyond a cap the
 * command still answers, at once, with the report as it stands. A hold ends at the first of:
 * every target acked, the timeout, the client going away (`abandoned`). No polling: the
 * tracker tells the hold when the relay handles the change and when an ack of it is recorded.
 */
export class PropagationWaits {
  private open = 0;
  private readonly perOrg = new Map<string, number>();

  constructor(
    private readonly tracker: PropagationTracker,
    private readonly limits: PropagationWaitLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Answers held now. */
  get count(): number {
    return this.open;
  }

  /** The report of `committed` once complete, or as it stands after `timeoutMs` (or when `abandoned` aborts). */
  async await(committed: CommittedChange, timeoutMs: number, abandoned?: AbortSignal): Promise<AwaitedReport> {
    const first = this.current(committed);
    if (first.complete) return { report: first, waited: false };
    const held = this.perOrg.get(committed.orgId) ?? 0;
    if (this.open >= this.limits.maxWaits || held >= this.limits.maxWaitsPerOrg || abandoned?.aborted) return { report: first, waited: false };
    this.open++;
    this.perOrg.set(committed.orgId, held + 1);
    try {
      await this.untilComplete(committed, timeoutMs, abandoned);
    } finally {
      this.open--;
      const left = (this.perOrg.get(committed.orgId) ?? 1) - 1;
      if (left === 0) this.perOrg.delete(committed.orgId);
      else this.perOrg.set(committed.orgId, left);
    }
    return { report: this.current(committed), waited: true };
  }

  /**
   * The command's report now. Before the relay has handled all its events, what is not handled
   * is not known yet: not complete. An event handled without a change for the org (it changed
   * no device's permission) has nothing to acknowledge.
   */
  current(committed: CommittedChange): PropagationReport {
    const { changes, handled } = this.changesOf(committed);
    if (changes.length > 0) {
      const report = this.tracker.report(changes, this.now());
      return handled ? report : { ...report, complete: false };
    }
    return {
      position: committed.positions.at(-1)!.toString(),
      committedAt: committed.committedAt,
      targets: 0,
      acked: 0,
      pending: [],
      lagging: [],
      complete: handled,
      ackLatencyMs: { p50: null, p90: null, p99: null, max: null },
    };
  }

  /** The command's changes known to the tracker, and whether the relay has handled all its events. */
  private changesOf(committed: CommittedChange): { changes: TrackedChange[]; handled: boolean } {
    const changes: TrackedChange[] = [];
    let handled = true;
    for (const position of committed.positions) {
      const change = this.tracker.find(committed.orgId, position.toString());
      if (change) changes.push(change);
      else if (!this.tracker.hasHandled(position)) handled = false;
    }
    return { changes, handled };
  }

  private untilComplete(committed: CommittedChange, timeoutMs: number, abandoned?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      let stopProgress: (() => void) | undefined;
      const done = () => {
        clearTimeout(timer);
        unlisten();
        stopProgress?.();
        abandoned?.removeEventListener('abort', done);
        resolve();
      };
      const check = () => {
        const { changes, handled } = this.changesOf(committed);
        if (!handled) return;
        // Every event handled: the relay's progress cannot change the answer any more, only acks can.
        stopProgress?.();
        stopProgress = undefined;
        if (changes.every(allAcked)) done();
      };
      const timer = setTimeout(done, timeoutMs);
      const unlisten = this.tracker.listen(committed.orgId, check);
      stopProgress = this.tracker.onProgress(check);
      abandoned?.addEventListener('abort', done, { once: true });
      // News may have come between the first look and the listeners: look again.
      check();
    });
  }
}

function allAcked(change: TrackedChange): boolean {
  for (const deviceId of change.targets) if (!change.acks.has(deviceId)) return false;
  return true;
}
