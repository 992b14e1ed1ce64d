import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { DECISION_CODES, type DecisionCode } from '../../../api/client';
import { QueryState } from '../../../components/query-state';
import { useDecisionSummary, type DecisionMinute } from '../api/overview.queries';

/** One colour per code, distinct and legible on white. */
const COLOURS: Record<DecisionCode, string> = {
  ALLOW: '#15803d',
  DEVICE_NOT_REGISTERED: '#6b7280',
  DEVICE_REVOKED: '#b91c1c',
  ORG_SUSPENDED: '#7c3aed',
  DEVICE_LOCKED: '#c2410c',
  LIMIT_EXCEEDED: '#0369a1',
  LEASE_EXPIRED: '#a16207',
  LEDGER_UNAVAILABLE: '#111827',
};

const MINUTE = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** ALLOW, and every deny code that occurs in the window. */
function codesOf(buckets: readonly DecisionMinute[]): DecisionCode[] {
  const seen = new Set(buckets.flatMap((bucket) => Object.keys(bucket.counts)));
  return DECISION_CODES.filter((code) => code === 'ALLOW' || seen.has(code));
}

/** Decisions per minute over the last 15 minutes, allowed against each deny code (uPlot), with the numbers as a table. */
export function DecisionsChart() {
  const summary = useDecisionSummary();
  const buckets = summary.data?.buckets;
  const codes = useMemo(() => (buckets ? codesOf(buckets) : []), [buckets]);
  return (
    <section className="card" aria-labelledby="chart-title">
      <h2 id="chart-title">Decisions per minute, last 15 minutes</h2>
      <QueryState isPending={summary.isPending} error={summary.error} what="decisions" />
      {summary.data && !summary.data.complete && <p className="notice">This node is still reading the decision record; the counts will fill in.</p>}
      {buckets && (
        <figure>
          <Plot buckets={buckets} codes={codes} />
          <figcaption>
            <ul className="chart-legend" aria-label="Decision codes">
              {codes.map((code) => (
                <li key={code}>
                  <span className="swatch" style={{ background: COLOURS[code] }} aria-hidden="true" />
                  {code}: {buckets.reduce((sum, bucket) => sum + (bucket.counts[code] ?? 0), 0)}
                </li>
              ))}
            </ul>
          </figcaption>
          <details>
            <summary>Show the numbers</summary>
            <table>
              <caption className="visually-hidden">Decisions per minute and code</caption>
              <thead>
                <tr>
                  <th scope="col">Minute</th>
                  {codes.map((code) => (
                    <th key={code} scope="col">
                      {code}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {buckets.map((bucket) => (
                  <tr key={bucket.at}>
                    <th scope="row">
                      <time dateTime={bucket.at}>{MINUTE.format(new Date(bucket.at))}</time>
                    </th>
                    {codes.map((code) => (
                      <td key={code}>{bucket.counts[code] ?? 0}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </figure>
      )}
    </section>
  );
}

/** The uPlot canvas: redrawn when the data changes. Described by the legend and the table (the canvas itself is hidden from assistive technology). */
function Plot({ buckets, codes }: { readonly buckets: readonly DecisionMinute[]; readonly codes: readonly DecisionCode[] }) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const data: uPlot.AlignedData = [buckets.map((bucket) => Date.parse(bucket.at) / 1000), ...codes.map((code) => buckets.map((bucket) => bucket.counts[code] ?? 0))];
    const chart = new uPlot(
      {
        width: Math.max(element.clientWidth, 320),
        height: 240,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(max, 1)] } },
        axes: [{}, { label: 'decisions' }],
        series: [{}, ...codes.map((code) => ({ label: code, stroke: COLOURS[code], width: 2, points: { show: true, size: 5 } }))],
      },
      data,
      element,
    );
    return () => chart.destroy();
  }, [buckets, codes]);
  return <div ref={container} className="chart" aria-hidden="true" />;
}
