import type { Device } from './devices.queries';

export type StatusFilter = 'all' | 'allowed' | 'denied' | Device['status'];
export type SortKey = 'deviceId' | 'code' | 'registeredAt';
export interface DeviceFilters {
  readonly search: string;
  readonly status: StatusFilter;
  /** `key` or `key=value`. */
  readonly label: string;
  readonly sort: SortKey;
  readonly descending: boolean;
}

export const NO_FILTERS: DeviceFilters = { search: '', status: 'all', label: '', sort: 'registeredAt', descending: false };

/** The devices the filters keep, in their sort order. */
export function filterDevices(devices: readonly Device[], filters: DeviceFilters): Device[] {
  const search = filters.search.trim().toLowerCase();
  const [labelKey, ...rest] = filters.label.split('=');
  const key = labelKey?.trim() ?? '';
  const value = rest.length > 0 ? rest.join('=').trim() : undefined;
  const kept = devices.filter((device) => {
    if (search && !device.deviceId.toLowerCase().includes(search)) return false;
    if (filters.status === 'allowed' && !device.allowed) return false;
    if (filters.status === 'denied' && device.allowed) return false;
    if ((filters.status === 'active' || filters.status === 'revoked' || filters.status === 'expired') && device.status !== filters.status) return false;
    if (key && (!(key in device.labels) || (value !== undefined && device.labels[key] !== value))) return false;
    return true;
  });
  const direction = filters.descending ? -1 : 1;
  return kept.sort((a, b) => direction * String(a[filters.sort]).localeCompare(String(b[filters.sort])));
}
