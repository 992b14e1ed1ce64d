import type { Propagation } from '../api/propagation-state';

/** One sentence on where a report stands; announced (a live region) as it changes. */
export function propagationSummary(report: Propagation): string {
  const { targets, acked, pending, lagging } = report;
  const of = `${acked} of ${targets} live ${targets === 1 ? 'runtime' : 'runtimes'} acknowledged`;
  if (targets === 0) return 'Complete: no live runtime was affected, nothing to acknowledge.';
  if (report.complete) return `Complete: ${of}.`;
  if (lagging.length > 0) return `Deadline passed: ${of}, ${lagging.length} lagging.`;
  return `In progress: ${of}, ${pending.length} pending.`;
}

/** A latency in milliseconds, or a dash when no ack was recorded. */
export function latencyText(ms: number | null): string {
  return ms === null ? '—' : `${ms} ms`;
}
