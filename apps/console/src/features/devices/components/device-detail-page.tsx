import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { CodeBadge } from '../../../components/code-badge';
import { LabelsText } from '../../../components/labels-text';
import { QueryState } from '../../../components/query-state';
import { TimeText } from '../../../components/time-text';
import { useDevices, type DeviceAction } from '../api/devices.queries';
import { ACTION_LABELS, DeviceActionDialog } from './device-action-dialog';
import { DeviceTimeline } from './device-timeline';

/** One device: its permission now, its actions, and the timeline of what happened to it. */
export function DeviceDetailPage() {
  const deviceId = useParams().deviceId ?? '';
  const devices = useDevices();
  const [action, setAction] = useState<DeviceAction | null>(null);
  const device = devices.data?.devices.find((candidate) => candidate.deviceId === deviceId);

  return (
    <>
      <p>
        <Link to="/devices">← All devices</Link>
      </p>
      <h1>{deviceId}</h1>
      <section aria-labelledby="permission-title" className="card">
        <h2 id="permission-title">Current permission</h2>
        <QueryState isPending={devices.isPending} error={devices.error} what="the device" />
        {devices.data && !device && <p>This device is not registered (never, or it was removed). Its history is below.</p>}
        {device && (
          <>
            <dl className="facts">
              <dt>Permission</dt>
              <dd>
                <CodeBadge code={device.code} />
              </dd>
              <dt>Status</dt>
              <dd>{device.status}</dd>
              <dt>Labels</dt>
              <dd>
                <LabelsText labels={device.labels} />
              </dd>
              <dt>Registered</dt>
              <dd>
                <TimeText value={device.registeredAt} />
              </dd>
              {device.revokedAt && (
                <>
                  <dt>Revoked</dt>
                  <dd>
                    <TimeText value={device.revokedAt} />
                    {device.revokedReason ? ` (${device.revokedReason})` : ''}
                  </dd>
                </>
              )}
            </dl>
            <div className="toolbar">
              {(device.status === 'revoked' ? (['unrevoke', 'remove'] as const) : (['revoke', 'remove'] as const)).map((candidate) => (
                <button key={candidate} type="button" className={candidate === 'unrevoke' ? 'primary' : 'danger'} onClick={() => setAction(candidate)}>
                  {ACTION_LABELS[candidate]}
                </button>
              ))}
            </div>
          </>
        )}
      </section>
      <DeviceTimeline deviceId={deviceId} />
      {action && <DeviceActionDialog action={action} deviceId={deviceId} onClose={() => setAction(null)} />}
    </>
  );
}
