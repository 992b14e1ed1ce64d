import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../../api/client';

export type Device = Schemas['DeviceView_Output'];
export type HistoryEntry = Schemas['HistoryEntry_Output'];

const DEVICES = ['devices'] as const;

/** Every device of the org with its current permission (GET /api/v1/devices/list). */
export function useDevices() {
  return useQuery({ queryKey: DEVICES, queryFn: () => unwrap(api.GET('/api/v1/devices/list')) });
}

/** A device's control events and decisions (GET /api/v1/devices/history). */
export function useDeviceHistory(deviceId: string) {
  return useQuery({
    queryKey: ['devices', 'history', deviceId],
    queryFn: () => unwrap(api.GET('/api/v1/devices/history', { params: { query: { deviceId } } })),
  });
}

export type DeviceAction = 'revoke' | 'unrevoke' | 'remove';

/** Revoke, restore (unrevoke) or remove one device; the list refetches after (and the watch tells every other screen). */
export function useDeviceAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ action, deviceId, reason }: { action: DeviceAction; deviceId: string; reason?: string }) => {
      if (action === 'revoke') return unwrap(api.POST('/api/v1/devices/revoke', { body: { deviceId, ...(reason ? { reason } : {}) } }));
      if (action === 'unrevoke') return unwrap(api.POST('/api/v1/devices/unrevoke', { body: { deviceId } }));
      return unwrap(api.POST('/api/v1/devices/remove', { body: { deviceId } }));
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: DEVICES }),
  });
}

/** Revokes several devices in one atomic append (POST /api/v1/devices/revoke_batch). */
export function useRevokeBatch() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ deviceIds, reason }: { deviceIds: string[]; reason?: string }) =>
      unwrap(api.POST('/api/v1/devices/revoke_batch', { body: { deviceIds, ...(reason ? { reason } : {}) } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: DEVICES }),
  });
}

/** Places a lock on every device carrying all the given labels (POST /api/v1/locks). */
export function usePlaceLabelLock() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ labels, reason, expiresAt }: { labels: Record<string, string>; reason: string; expiresAt?: string }) =>
      unwrap(api.POST('/api/v1/locks', { body: { selector: { labels }, reason, ...(expiresAt ? { expiresAt } : {}) } })),
    onSettled: () => queryClient.invalidateQueries(),
  });
}
