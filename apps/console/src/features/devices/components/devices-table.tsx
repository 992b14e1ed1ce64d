import { Link } from 'react-router';
import { CodeBadge } from '../../../components/code-badge';
import { LabelsText } from '../../../components/labels-text';
import { TimeText } from '../../../components/time-text';
import type { DeviceFilters, SortKey } from '../api/device-filters';
import type { Device, DeviceAction } from '../api/devices.queries';
import { ACTION_LABELS } from './device-action-dialog';

interface Props {
  readonly devices: readonly Device[];
  readonly filters: DeviceFilters;
  readonly onSort: (key: SortKey) => void;
  readonly selected: ReadonlySet<string>;
  readonly onSelect: (selected: ReadonlySet<string>) => void;
  readonly onAction: (action: DeviceAction, deviceId: string) => void;
}

/** The devices, one row each, with a checkbox for bulk revoke and the row's own actions. */
export function DevicesTable({ devices, filters, onSort, selected, onSelect, onAction }: Props) {
  const allSelected = devices.length > 0 && devices.every((device) => selected.has(device.deviceId));
  const toggle = (deviceId: string) => {
    const next = new Set(selected);
    if (next.has(deviceId)) next.delete(deviceId);
    else next.add(deviceId);
    onSelect(next);
  };
  const header = (key: SortKey, label: string) => (
    <th key={key} scope="col" aria-sort={filters.sort === key ? (filters.descending ? 'descending' : 'ascending') : 'none'}>
      <button type="button" className="sort" onClick={() => onSort(key)}>
        {label}
        <span aria-hidden="true">{filters.sort === key ? (filters.descending ? ' ▼' : ' ▲') : ''}</span>
      </button>
    </th>
  );
  if (devices.length === 0) return <p>No device matches.</p>;
  return (
    <table>
      <caption className="visually-hidden">Devices of the org</caption>
      <thead>
        <tr>
          <th scope="col">
            <input
              type="checkbox"
              aria-label="Select all shown devices"
              checked={allSelected}
              onChange={() => onSelect(allSelected ? new Set() : new Set(devices.map((device) => device.deviceId)))}
            />
          </th>
          {header('deviceId', 'Device')}
          <th scope="col">Status</th>
          {header('code', 'Permission')}
          <th scope="col">Labels</th>
          <th scope="col">Last seen</th>
          {header('registeredAt', 'Registered')}
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {devices.map((device) => (
          <tr key={device.deviceId}>
            <td>
              <input type="checkbox" aria-label={`Select ${device.deviceId}`} checked={selected.has(device.deviceId)} onChange={() => toggle(device.deviceId)} />
            </td>
            <th scope="row">
              <Link to={`/devices/${encodeURIComponent(device.deviceId)}`}>{device.deviceId}</Link>
            </th>
            <td>
              {device.status}
              {device.revokedReason ? <span className="muted"> ({device.revokedReason})</span> : null}
            </td>
            <td>
              <CodeBadge code={device.code} />
            </td>
            <td>
              <LabelsText labels={device.labels} />
            </td>
            <td>{device.lastSeenAt ? <TimeText value={device.lastSeenAt} /> : <span className="muted">no lease</span>}</td>
            <td>
              <TimeText value={device.registeredAt} />
            </td>
            <td className="actions">
              {/* Keyed by place, not action: "Revoke" becomes "Restore" in the same button, which keeps the focus. */}
              {(device.status === 'revoked' ? (['unrevoke', 'remove'] as const) : (['revoke', 'remove'] as const)).map((action, place) => (
                <button
                  key={place}
                  type="button"
                  className={action === 'unrevoke' ? undefined : 'danger-outline'}
                  aria-label={`${ACTION_LABELS[action]} ${device.deviceId}`}
                  onClick={() => onAction(action, device.deviceId)}
                >
                  {ACTION_LABELS[action]}
                </button>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
