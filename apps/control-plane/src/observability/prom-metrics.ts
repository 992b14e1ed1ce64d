import type { DecisionCode } from '@warden/domain';
import { EnforcementMetrics } from '@warden/enforcement';
import type { PermissionProjection } from '@warden/projection';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What the bounded-resource gauges read when scraped. */
export interface BoundedResources {
  /** Consistency-token waits open now (ConsistencyWaits). */
  readonly consistencyWaits: { readonly count: number };
  /** SSE watches open now, per org (WatchSlots). */
  readonly watches: { openByOrg(): ReadonlyMap<string, number> };
}

/** What the propagation gauges read when scraped. */
export interface PropagationSource {
  /** orgId → devices lagging now, counting changes of the last `horizonMs` (PropagationTracker.laggingByOrg). */
  laggingByOrg(horizonMs: number): ReadonlyMap<string, number>;
  /** Kill-command answers held for acks now (PropagationWaits). */
  readonly waits: { readonly count: number };
}

/** A lagging device counts for this long after its change's commit (then it is history, not an alarm). */
export const LAGGING_HORIZON_MS = 3_600_000;

/** Prometheus metrics of one control-plane process, on its own registry. */
export class PromMetrics extends EnforcementMetrics {
  readonly registry = new Registry();
  private readonly decisions = new Counter({
    name: 'warden_decisions_total',
    help: 'Permission decisions answered, by code',
    labelNames: ['code'],
    registers: [this.registry],
  });
  private readonly appendSeconds = new Histogram({
    name: 'warden_ledger_append_seconds',
    help: 'Ledger append latency, by stream kind and outcome',
    labelNames: ['stream', 'outcome'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  private readonly batchSize = new Histogram({
    name: 'warden_decision_batch_size',
    help: 'Decision records per group-commit batch',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096],
    registers: [this.registry],
  });
  private readonly pushed = new Counter({
    name: 'warden_push_messages_total',
    help: 'Permission messages published to NATS JetStream',
    registers: [this.registry],
  });
  private readonly ackLatency = new Histogram({
    name: 'warden_ack_latency_seconds',
    help: 'From the commit of a permission change to the recording of a target runtime\'s ack of it',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly acksTaken = new Counter({
    name: 'warden_acks_total',
    help: 'Acks answered ok (recorded, or a duplicate), by the protocol that carried them (http, nats)',
    labelNames: ['via'],
    registers: [this.registry],
  });
  private readonly acksRefused = new Counter({
    name: 'warden_acks_refused_total',
    help: 'Acks refused, by the protocol that carried them (http, nats) and error code',
    labelNames: ['via', 'code'],
    registers: [this.registry],
  });
  /** One pre-bound counter per code: the hot path does no label lookup. */
  private readonly byCode = new Map<string, { inc(): void }>();

  constructor(projection: PermissionProjection, bounded: BoundedResources) {
    super();
    collectDefaultMetrics({ register: this.registry, prefix: 'warden_process_' });
    new Gauge({
      name: 'warden_consistency_waits',
      help: 'Requests waiting for this replica to reach their consistency token (bounded by WARDEN_CONSISTENCY_MAX_WAITS)',
      registers: [this.registry],
      collect() {
        this.set(bounded.consistencyWaits.count);
      },
    });
    new Gauge({
      name: 'warden_watches_open',
      help: 'Open SSE watches, by org (bounded per key by WARDEN_WATCH_MAX_PER_KEY, per node by WARDEN_WATCH_MAX)',
      labelNames: ['org'],
      registers: [this.registry],
      collect() {
        // Orgs whose last watch closed drop out rather than stay at 0 for ever.
        this.reset();
        for (const [org, open] of bounded.watches.openByOrg()) this.labels(org).set(open);
      },
    });
    new Gauge({
      name: 'warden_projection_position',
      help: 'Ledger position the permission projection has applied',
      registers: [this.registry],
      collect() {
        this.set(Number(projection.position ?? 0n));
      },
    });
    new Gauge({
      name: 'warden_projection_orgs',
      help: 'Orgs in the permission projection',
      registers: [this.registry],
      collect() {
        this.set(projection.orgCount);
      },
    });
  }

  /** Registers the propagation gauges (the tracker is made after the metrics). */
  watchPropagation(source: PropagationSource): void {
    new Gauge({
      name: 'warden_propagation_lagging',
      help: 'Devices past WARDEN_ACK_DEADLINE_MS without acknowledging a change that targeted them (changes of the last hour known to this node), by org',
      labelNames: ['org'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [org, lagging] of source.laggingByOrg(LAGGING_HORIZON_MS)) this.labels(org).set(lagging);
      },
    });
    new Gauge({
      name: 'warden_ack_waits',
      help: 'Kill-command answers held until their change is acknowledged (awaitAcks; bounded by WARDEN_ACK_MAX_WAITS)',
      registers: [this.registry],
      collect() {
        this.set(source.waits.count);
      },
    });
  }

  /** An ack of a target was recorded, `latencyMs` after its change was committed. */
  ackRecorded(latencyMs: number): void {
    this.ackLatency.observe(latencyMs / 1000);
  }

  /** An ack arrived over `via` and was answered ok. */
  ackTaken(via: 'http' | 'nats'): void {
    this.acksTaken.labels(via).inc();
  }

  /** An ack was refused with `code` (never labelled with anything the sender chose but the code). */
  ackRefused(via: 'http' | 'nats', code: string): void {
    this.acksRefused.labels(via, code).inc();
  }

  decisionMade(code: DecisionCode): void {
    let counter = this.byCode.get(code);
    if (!counter) {
      counter = this.decisions.labels(code);
      this.byCode.set(code, counter);
    }
    counter.inc();
  }

  ledgerAppended(category: 'org' | 'decisions', seconds: number, ok: boolean): void {
    this.appendSeconds.labels(category, ok ? 'ok' : 'error').observe(seconds);
  }

  pushPublished(count: number): void {
    this.pushed.inc(count);
  }

  decisionBatchFlushed(size: number): void {
    this.batchSize.observe(size);
  }
}
