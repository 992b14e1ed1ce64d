import { Link, useMatch } from 'react-router';
import { errorMessage } from '../../../api/client';
import { useKillActions } from '../../../lib/kill-actions';
import { usePropagation } from '../api/propagation.queries';
import { latencyText, propagationSummary } from './propagation-summary';

/**
 * Shown on every screen after a kill action taken in this console: its propagation report,
 * live until final (targets, acked, pending, lagging, latencies), and a link to the full report.
 */
export function LastActionBanner() {
  const { last, dismiss } = useKillActions();
  const onItsReport = useMatch('/propagation/:position')?.params.position === last?.position;
  if (!last || onItsReport) return null;
  return (
    <section className="card banner" aria-labelledby="last-action-title">
      <h2 id="last-action-title">
        Propagation of {last.name}: {last.subject}
      </h2>
      <BannerReport position={last.position} />
      <p className="banner-links">
        <Link to={`/propagation/${last.position}`} state={{ justCommitted: true }}>
          Open the propagation report
        </Link>
        <button
          type="button"
          onClick={() => {
            dismiss();
            // The button goes with the banner: the focus goes to the screen rather than nowhere.
            document.getElementById('main')?.focus();
          }}
        >
          Dismiss
        </button>
      </p>
    </section>
  );
}

function BannerReport({ position }: { readonly position: string }) {
  const propagation = usePropagation(position, { justCommitted: true });
  const report = propagation.data;
  const text = report ? propagationSummary(report) : propagation.error ? `No report: ${errorMessage(propagation.error)}` : 'Waiting for the report…';
  return (
    <>
      <p role="status">{text}</p>
      {report && report.targets > 0 && (
        <p className="muted">
          Pending {report.pending.length}, lagging {report.lagging.length} · ack latency p50 {latencyText(report.ackLatencyMs.p50)}, p90{' '}
          {latencyText(report.ackLatencyMs.p90)}, p99 {latencyText(report.ackLatencyMs.p99)}, max {latencyText(report.ackLatencyMs.max)}
        </p>
      )}
    </>
  );
}
