import type { DeviceFilters, StatusFilter } from '../api/device-filters';

/** Search by id, filter by status and label; applied as you type. */
export function DeviceFiltersForm({ filters, onChange }: { readonly filters: DeviceFilters; readonly onChange: (filters: DeviceFilters) => void }) {
  return (
    <form className="filters" role="search" aria-label="Filter devices" onSubmit={(event) => event.preventDefault()}>
      <div className="field">
        <label htmlFor="device-search">Search by device id</label>
        <input id="device-search" type="search" value={filters.search} onChange={(event) => onChange({ ...filters, search: event.target.value })} />
      </div>
      <div className="field">
        <label htmlFor="device-status">Status</label>
        <select id="device-status" value={filters.status} onChange={(event) => onChange({ ...filters, status: event.target.value as StatusFilter })}>
          <option value="all">All</option>
          <option value="allowed">Allowed now</option>
          <option value="denied">Denied now</option>
          <option value="active">Active</option>
          <option value="revoked">Revoked</option>
          <option value="expired">Lease expired</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="device-label">Label</label>
        <input id="device-label" value={filters.label} placeholder="key or key=value" onChange={(event) => onChange({ ...filters, label: event.target.value })} />
      </div>
    </form>
  );
}
