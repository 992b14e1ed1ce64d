import { CodeBadge } from '../../../components/code-badge';
import { QueryState } from '../../../components/query-state';
import { TimeText } from '../../../components/time-text';
import { useDeviceHistory, type HistoryEntry } from '../api/devices.queries';

/** Most entries shown: a device validating every second has thousands of decisions. */
const SHOWN = 200;

/** The device's control events, recorded decisions and acks, newest first. */
export function DeviceTimeline({ deviceId }: { readonly deviceId: string }) {
  const history = useDeviceHistory(deviceId);
  const entries = history.data ? [...history.data.events].reverse() : [];
  return (
    <section aria-labelledby="timeline-title" className="card">
      <h2 id="timeline-title">Timeline</h2>
      <QueryState isPending={history.isPending} error={history.error} what="the timeline" />
      {history.data && entries.length === 0 && <p>Nothing recorded about this device.</p>}
      {entries.length > 0 && (
        <>
          {entries.length > SHOWN && <p className="muted">The newest {SHOWN} of {entries.length} entries; the audit screen has them all.</p>}
          <ol className="timeline">
            {entries.slice(0, SHOWN).map((entry) => (
              <li key={entry.position}>
                <TimeText value={entry.at} /> <Entry entry={entry} />
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}

function Entry({ entry }: { readonly entry: HistoryEntry }) {
  const data = entry.data as Record<string, unknown>;
  const text = (field: string) => (typeof data[field] === 'string' && data[field] !== '' ? String(data[field]) : undefined);
  if (entry.type === 'PermissionDecided') {
    return (
      <span>
        Decision ({text('action') ?? 'validate'}): <CodeBadge code={text('code') ?? ''} />
      </span>
    );
  }
  if (entry.type === 'PermissionAcknowledged') {
    const stopped = text('stoppedAt');
    const via = text('transport') ? ` via ${text('transport')}` : '';
    return (
      <span>
        Acknowledged the change at position {text('position') ?? '?'}
        {stopped ? (
          <>
            {' '}
            (stopped at <TimeText value={stopped} />)
          </>
        ) : null}
        {via}
      </span>
    );
  }
  const by = text('actor') ? ` by ${text('actor')}` : '';
  const reason = text('reason') ? `: ${text('reason')}` : '';
  const describe: Record<string, string> = {
    DeviceRegistered: 'Registered',
    DeviceRevoked: `Revoked${by}${reason}`,
    DeviceRestored: `Restored${by}`,
    DeviceRemoved: `Removed${by}`,
    DeviceLeaseExpired: 'Lease expired',
    OrgSuspended: `Org suspended${by}${reason}`,
    OrgResumed: `Org resumed${by}`,
    DeviceLimitSet: `Device cap set to ${String(data.limit ?? '?')}`,
    LockPlaced: `Locked${by}${reason}`,
    LockLifted: `Lock lifted${by}`,
  };
  return <span>{describe[entry.type] ?? entry.type}</span>;
}
