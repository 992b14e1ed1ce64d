import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { watchOrg, type WatchState } from '../lib/org-watch';

/** How long changes are gathered before the screens refetch (a bulk revoke is one refetch, not hundreds). */
const SETTLE_MS = 150;

/**
 * Keeps every screen current without a reload: follows the org's permission changes
 * (GET /api/v1/org/watch) and refetches the data on screen after each burst of changes, and
 * everything after a reconnection (changes may have been missed meanwhile).
 */
export function useLiveUpdates(orgKey: string | null, onUnauthorized: () => void): WatchState | 'off' {
  const queryClient = useQueryClient();
  const [state, setState] = useState<WatchState | 'off'>('off');

  useEffect(() => {
    if (!orgKey) {
      setState('off');
      return;
    }
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        void queryClient.invalidateQueries();
      }, SETTLE_MS);
    };
    void watchOrg(orgKey, { onPermission: refresh, onOpen: refresh, onState: setState, onUnauthorized }, abort.signal);
    return () => {
      abort.abort();
      if (timer) clearTimeout(timer);
    };
  }, [orgKey, queryClient, onUnauthorized]);

  return state;
}
