import { Link } from 'react-router';
import { CodeBadge } from '../../../components/code-badge';
import { QueryState } from '../../../components/query-state';
import { TimeText } from '../../../components/time-text';
import { useDecisionPage, type AuditFilters } from '../api/audit.queries';
import { Pager } from './pager';
import { useCursorPages } from './use-cursor-pages';

/** Recorded decisions matching the filters, oldest first, a page at a time. */
export function DecisionsTable({ filters }: { readonly filters: AuditFilters }) {
  const pages = useCursorPages(filters);
  const decisions = useDecisionPage(filters, pages.cursor);
  const rows = decisions.data?.decisions ?? [];
  return (
    <section className="card" aria-labelledby="decisions-title">
      <h2 id="decisions-title">Decisions</h2>
      <QueryState isPending={decisions.isPending} error={decisions.error} what="decisions" />
      {decisions.data && rows.length === 0 && <p>No recorded decision matches.</p>}
      {rows.length > 0 && (
        <table>
          <caption className="visually-hidden">Recorded decisions</caption>
          <thead>
            <tr>
              <th scope="col">Decided</th>
              <th scope="col">Device</th>
              <th scope="col">Action</th>
              <th scope="col">Code</th>
              <th scope="col">Node</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((decision) => (
              <tr key={decision.decisionId}>
                <td>
                  <TimeText value={decision.decidedAt} />
                </td>
                <th scope="row">
                  <Link to={`/devices/${encodeURIComponent(decision.deviceId)}`}>{decision.deviceId}</Link>
                </th>
                <td>{decision.action}</td>
                <td>
                  <CodeBadge code={decision.code} />
                </td>
                <td>{decision.node}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {decisions.data && (
        <Pager label="Decisions" page={pages.page} hasNext={decisions.data.nextCursor !== null} onPrevious={pages.previous} onNext={() => pages.next(decisions.data.nextCursor!)} />
      )}
    </section>
  );
}
