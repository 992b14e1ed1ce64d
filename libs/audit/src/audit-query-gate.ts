import { WardenError } from '@warden/domain';

/** How many audit queries may run at once, and for how long each. */
export interface AuditQueryLimits {
  /** Concurrent queries of one org on this node. */
  readonly perOrg: number;
  /** Concurrent queries of all orgs together on this node. */
  readonly perNode: number;
  /** Budget of one query, from admission to its last ledger page. */
  readonly timeoutMs: number;
}

/**
 * One admitted audit query. Its `signal` aborts when the budget runs out (reason: a
 * `query_timeout` WardenError) or when the query is ended early (the client went away); the
 * cooperative scans check it between pages, so the query stops within one page. Its place
 * at the gate is given back once, at `end()` or at the deadline, whichever comes first.
 */
export class AuditQuery {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private released = false;

  constructor(
    readonly orgId: string,
    timeoutMs: number,
    private readonly onRelease: () => void,
  ) {
    this.timer = setTimeout(() => this.stop(queryTimeout(timeoutMs)), timeoutMs);
    this.timer.unref();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The query is over (answered, failed or abandoned): anything of it still running stops at its next page. */
  end(): void {
    this.stop(new WardenError('unavailable', 'query_abandoned', 'the audit query ended before its reads did'));
  }

  private stop(reason: WardenError): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
    if (this.released) return;
    this.released = true;
    clearTimeout(this.timer);
    this.onRelease();
  }
}

/**
 * Bounds the audit queries running on this node: at most `perOrg` of one org and `perNode` in
 * all; beyond either, `admit` throws 429 `too_many_queries` (kind `limited`) at once rather
 * than queueing, so one org's admin or dashboard cannot take every slot, and the node never
 * holds more than `perNode` audit answers in memory.
 */
export class AuditQueryGate {
  private readonly byOrg = new Map<string, number>();
  private total = 0;

  constructor(readonly limits: AuditQueryLimits) {}

  /** Queries running now, in all and for one org. */
  running(orgId?: string): number {
    return orgId === undefined ? this.total : (this.byOrg.get(orgId) ?? 0);
  }

  /** Admits a query of `orgId`, or throws `too_many_queries`. The caller must `end()` it. */
  admit(orgId: string): AuditQuery {
    const ofOrg = this.running(orgId);
    if (ofOrg >= this.limits.perOrg) {
      throw tooMany(`this org already has ${ofOrg} audit queries running on this node (at most ${this.limits.perOrg} at once); retry when one has finished`);
    }
    if (this.total >= this.limits.perNode) {
      throw tooMany(`this node already runs ${this.total} audit queries (at most ${this.limits.perNode} at once); retry shortly`);
    }
    this.byOrg.set(orgId, ofOrg + 1);
    this.total += 1;
    return new AuditQuery(orgId, this.limits.timeoutMs, () => this.release(orgId));
  }

  private release(orgId: string): void {
    const left = this.running(orgId) - 1;
    if (left > 0) this.byOrg.set(orgId, left);
    else this.byOrg.delete(orgId);
    this.total -= 1;
  }
}

function tooMany(message: string): WardenError {
  return new WardenError('limited', 'too_many_queries', message);
}

function queryTimeout(timeoutMs: number): WardenError {
  return new WardenError(
    'unavailable',
    'query_timeout',
    `the audit query did not finish within its budget of ${timeoutMs} ms and was stopped; narrow it (one device, a time range, a cursor) or read the ledger with the warden CLI`,
  );
}
