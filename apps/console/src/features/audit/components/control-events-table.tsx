import { QueryState } from '../../../components/query-state';
import { TimeText } from '../../../components/time-text';
import { useControlEventPage, type AuditFilters, type ControlEvent } from '../api/audit.queries';
import { Pager } from './pager';
import { useCursorPages } from './use-cursor-pages';

/** The org's control events (register, revoke, suspend, locks, keys, …) with the key that caused each. Device and time filters apply. */
export function ControlEventsTable({ filters }: { readonly filters: AuditFilters }) {
  const pages = useCursorPages(filters);
  const events = useControlEventPage(filters, pages.cursor);
  const rows = events.data?.events ?? [];
  return (
    <section className="card" aria-labelledby="events-title">
      <h2 id="events-title">Control events</h2>
      <QueryState isPending={events.isPending} error={events.error} what="control events" />
      {events.data && rows.length === 0 && <p>No control event matches.</p>}
      {rows.length > 0 && (
        <table>
          <caption className="visually-hidden">Control events and their actors</caption>
          <thead>
            <tr>
              <th scope="col">At</th>
              <th scope="col">Event</th>
              <th scope="col">Device</th>
              <th scope="col">Actor</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((event) => (
              <tr key={event.position}>
                <td>
                  <TimeText value={event.at} />
                </td>
                <th scope="row">{event.type}</th>
                <td>{event.deviceId ?? '—'}</td>
                <td>{event.actor}</td>
                <td>{details(event)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {events.data && <Pager label="Control events" page={pages.page} hasNext={events.data.nextCursor !== null} onPrevious={pages.previous} onNext={() => pages.next(events.data.nextCursor!)} />}
    </section>
  );
}

/** The fields worth reading in a row: reason, labels, selector, limit, scope, key id. */
function details(event: ControlEvent): string {
  const data = event.data;
  const parts: string[] = [];
  if (typeof data.reason === 'string' && data.reason) parts.push(`reason: ${data.reason}`);
  if (data.labels && typeof data.labels === 'object' && Object.keys(data.labels).length > 0) parts.push(`labels: ${pairs(data.labels)}`);
  const selector = data.selector as { labels?: object } | undefined;
  if (selector?.labels) parts.push(`labels: ${pairs(selector.labels)}`);
  if (typeof data.expiresAt === 'string') parts.push(`expires: ${data.expiresAt}`);
  if (typeof data.limit === 'number') parts.push(`limit: ${data.limit}`);
  if (typeof data.scope === 'string') parts.push(`scope: ${data.scope}`);
  if (typeof data.keyId === 'string') parts.push(`key: ${data.keyId}`);
  if (typeof data.lockId === 'string') parts.push(`lock: ${data.lockId}`);
  return parts.join('; ');
}

function pairs(labels: object): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(', ');
}
