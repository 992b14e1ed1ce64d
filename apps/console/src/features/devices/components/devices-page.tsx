import { useMemo, useState } from 'react';
import { QueryState } from '../../../components/query-state';
import { filterDevices, NO_FILTERS, type DeviceFilters } from '../api/device-filters';
import { useDevices, type DeviceAction } from '../api/devices.queries';
import { BulkRevokeDialog } from './bulk-revoke-dialog';
import { DeviceActionDialog } from './device-action-dialog';
import { DeviceFiltersForm } from './device-filters-form';
import { DevicesTable } from './devices-table';
import { LockByLabelsDialog } from './lock-by-labels-dialog';

type OpenDialog = { kind: 'action'; action: DeviceAction; deviceId: string } | { kind: 'bulk' } | { kind: 'lock' } | null;

/** Every device of the org: search, filter, sort, act on one or several; kept current by the org watch. */
export function DevicesPage() {
  const devices = useDevices();
  const [filters, setFilters] = useState<DeviceFilters>(NO_FILTERS);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const all = devices.data?.devices;
  const shown = useMemo(() => (all ? filterDevices(all, filters) : []), [all, filters]);
  // A selection only holds devices that still exist.
  const selectedIds = useMemo(() => (all ? all.filter((device) => selected.has(device.deviceId)).map((device) => device.deviceId) : []), [all, selected]);

  return (
    <>
      <h1>Devices</h1>
      <div className="toolbar">
        <button type="button" className="danger" disabled={selectedIds.length === 0} onClick={() => setDialog({ kind: 'bulk' })}>
          Revoke selected ({selectedIds.length})
        </button>
        <button type="button" onClick={() => setDialog({ kind: 'lock' })}>
          Lock by labels
        </button>
      </div>
      <DeviceFiltersForm filters={filters} onChange={setFilters} />
      <QueryState isPending={devices.isPending} error={devices.error} what="devices" />
      {devices.data && (
        <>
          <p className="muted" role="status">
            {shown.length === all!.length ? `${all!.length} devices` : `${shown.length} of ${all!.length} devices`} · {devices.data.devicesUsed} of {devices.data.limit} seats used
          </p>
          <DevicesTable
            devices={shown}
            filters={filters}
            onSort={(sort) => setFilters({ ...filters, sort, descending: filters.sort === sort ? !filters.descending : false })}
            selected={selected}
            onSelect={setSelected}
            onAction={(action, deviceId) => setDialog({ kind: 'action', action, deviceId })}
          />
        </>
      )}
      {dialog?.kind === 'action' && <DeviceActionDialog action={dialog.action} deviceId={dialog.deviceId} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'bulk' && <BulkRevokeDialog deviceIds={selectedIds} onClose={() => setDialog(null)} onDone={() => setSelected(new Set())} />}
      {dialog?.kind === 'lock' && <LockByLabelsDialog onClose={() => setDialog(null)} />}
    </>
  );
}
