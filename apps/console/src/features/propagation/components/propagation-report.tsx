import { useId } from 'react';
import { Link } from 'react-router';
import { QueryState } from '../../../components/query-state';
import { TimeText } from '../../../components/time-text';
import { usePropagation, type Propagation } from '../api/propagation.queries';
import { latencyText, propagationSummary } from './propagation-summary';

/** The propagation report of one change, kept current until final: who acknowledged, who did not, how fast. */
export function PropagationReport({ position, justCommitted }: { readonly position: string; readonly justCommitted: boolean }) {
  const propagation = usePropagation(position, { justCommitted });
  const report = propagation.data;
  const titleId = useId();
  return (
    <section className="card" aria-labelledby={titleId}>
      <h2 id={titleId}>Change at position {position}</h2>
      <QueryState isPending={propagation.isPending} error={propagation.error} what="the propagation report" />
      <p role="status" className="state">
        {report ? propagationSummary(report) : ''}
      </p>
      {report && <ReportDetails report={report} />}
    </section>
  );
}

function ReportDetails({ report }: { readonly report: Propagation }) {
  const { targets, acked, pending, lagging, ackLatencyMs } = report;
  const waiting = pending.filter((deviceId) => !lagging.includes(deviceId));
  return (
    <>
      {targets > 0 && (
        <div className="meter-row">
          <label htmlFor="acked-progress">
            Acknowledged: {acked} of {targets}
          </label>
          <progress id="acked-progress" max={targets} value={acked} />
        </div>
      )}
      <dl className="facts">
        <dt>Event</dt>
        <dd>{report.eventType}</dd>
        <dt>Committed at</dt>
        <dd>
          <TimeText value={report.committedAt} />
        </dd>
        <dt>Targets (live runtimes it changed)</dt>
        <dd>{targets}</dd>
        <dt>Acknowledged</dt>
        <dd>{acked}</dd>
        <dt>Pending</dt>
        <dd>{pending.length}</dd>
        <dt>Lagging</dt>
        <dd>{lagging.length}</dd>
        <dt>Complete</dt>
        <dd>{report.complete ? 'yes' : 'no'}</dd>
      </dl>
      <table>
        <caption>Acknowledgement latency, from the commit</caption>
        <thead>
          <tr>
            <th scope="col">p50</th>
            <th scope="col">p90</th>
            <th scope="col">p99</th>
            <th scope="col">max</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>{latencyText(ackLatencyMs.p50)}</td>
            <td>{latencyText(ackLatencyMs.p90)}</td>
            <td>{latencyText(ackLatencyMs.p99)}</td>
            <td>{latencyText(ackLatencyMs.max)}</td>
          </tr>
        </tbody>
      </table>
      <DeviceList title="Lagging (no ack by the deadline)" deviceIds={lagging} />
      <DeviceList title="Pending (no ack yet)" deviceIds={waiting} />
    </>
  );
}

function DeviceList({ title, deviceIds }: { readonly title: string; readonly deviceIds: readonly string[] }) {
  if (deviceIds.length === 0) return null;
  return (
    <section aria-label={title}>
      <h3>{title}</h3>
      <ul>
        {deviceIds.map((deviceId) => (
          <li key={deviceId}>
            <Link to={`/devices/${encodeURIComponent(deviceId)}`}>{deviceId}</Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
