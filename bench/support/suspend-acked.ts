import { WardenClient, type Lease } from '@warden/sdk';
import { createOrg, type WardenHttp } from '../../test/support/http-client';
import { BENCH_ADMIN_TOKEN } from './bench-environment';
import { formatMs, type LatencySummary } from './stats';

/** What "org suspend → all runtimes acked" measured. */
export interface SuspendAckedResult {
  readonly runtimes: number;
  /** From sending the suspend (with awaitAcks) to its answer, the report complete. */
  readonly untilCompleteMs: number;
  readonly complete: boolean;
  readonly targets: number;
  readonly acked: number;
  /** Commit → ack recorded, per runtime, as the control plane's report gives them. */
  readonly ackLatencyMs: { readonly p50: number | null; readonly p90: number | null; readonly p99: number | null; readonly max: number | null };
}

/**
 * bench:revoke's "org suspend → all N runtimes acked": N leases watching over NATS (each its own
 * connection, all in this process, acking over NATS), then `POST org/suspend` with
 * `awaitAcks: {timeoutMs: 30000}`: the time until its answer, with the report complete, and the
 * report's ack latencies (commit → each ack recorded).
 */
export async function suspendUntilAcked(http: WardenHttp, natsUrl: string, runtimes: number): Promise<SuspendAckedResult> {
  const { orgKey } = await createOrg(http, BENCH_ADMIN_TOKEN, { planTier: 'max' });
  const admin = http.withKey(orgKey);
  if (runtimes > 1000) await admin.post('/api/v1/org/limits', { limit: runtimes });
  const client = new WardenClient({ baseUrl: http.baseUrl, orgKey, natsUrl, timeoutMs: 30_000 });
  const leases: Lease[] = [];
  try {
    for (let i = 0; i < runtimes; i += 50) {
      const batch = Array.from({ length: Math.min(50, runtimes - i) }, (_, j) => client.start({ deviceId: `acked-${i + j}`, watch: 'nats', maxStalenessMs: 120_000 }));
      leases.push(...(await Promise.all(batch)));
    }
    const started = performance.now();
    const answer = await admin.post('/api/v1/org/suspend', { reason: 'bench', awaitAcks: { timeoutMs: 30_000 } });
    const untilCompleteMs = performance.now() - started;
    const report = answer.body.propagation as { complete: boolean; targets: number; acked: number; ackLatencyMs: SuspendAckedResult['ackLatencyMs'] };
    return { runtimes: leases.length, untilCompleteMs, complete: report.complete, targets: report.targets, acked: report.acked, ackLatencyMs: report.ackLatencyMs };
  } finally {
    await Promise.all(leases.map((lease) => lease.close()));
  }
}

/** The scenario's lines for bench:revoke's table, beside the raw NATS fan-out of the same run. */
export function suspendAckedRows(result: SuspendAckedResult, fanOut: LatencySummary): string[] {
  const ms = (value: number | null) => (value === null ? '-' : formatMs(value));
  return [
    '',
    '| org suspend -> all runtimes acked | runtimes | acked / targets | until the report is complete ms | ack latency p50 ms | p90 ms | p99 ms | max ms |',
    '|---|---|---|---|---|---|---|---|',
    `| suspend with awaitAcks (acks over NATS) | ${result.runtimes} | ${result.acked} / ${result.targets}${result.complete ? '' : ' (INCOMPLETE)'} | ${formatMs(result.untilCompleteMs)} | ${ms(result.ackLatencyMs.p50)} | ${ms(result.ackLatencyMs.p90)} | ${ms(result.ackLatencyMs.p99)} | ${ms(result.ackLatencyMs.max)} |`,
    `ack latency is commit -> ack recorded (durable); raw NATS fan-out to ${fanOut.count} connections of the same run: p99 ${formatMs(fanOut.p99)} ms; ` +
      `all acked p99 / raw fan-out p99: ${result.ackLatencyMs.p99 === null ? '-' : `${(result.ackLatencyMs.p99 / fanOut.p99).toFixed(1)}x`}`,
  ];
}
