import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../../api/client';

export type Lock = Schemas['LockView_Output'];
export type DecisionMinute = Schemas['DecisionMinute_Output'];

/** The org: name, state (and why suspended), devices allowed now (GET /api/v1/org). */
export function useOrg() {
  return useQuery({ queryKey: ['org'], queryFn: () => unwrap(api.GET('/api/v1/org')) });
}

/** Plan, cap and device counts (GET /api/v1/usage). */
export function useUsage() {
  return useQuery({ queryKey: ['usage'], queryFn: () => unwrap(api.GET('/api/v1/usage')) });
}

/** Locks in force (GET /api/v1/locks); a timed lock lifts without a push, so this also refetches every 30 s. */
export function useLocks() {
  return useQuery({ queryKey: ['locks'], queryFn: () => unwrap(api.GET('/api/v1/locks')), refetchInterval: 30_000 });
}

/** Decisions per minute and code over the last 15 minutes; decisions are not pushed, so this refetches every 10 s. */
export function useDecisionSummary() {
  return useQuery({
    queryKey: ['decisions', 'summary', 15],
    queryFn: () => unwrap(api.GET('/api/v1/audit/decisions/summary', { params: { query: { minutes: 15 } } })),
    refetchInterval: 10_000,
  });
}

/** The kill switch: suspend (with a reason) or resume the org. */
export function useKillSwitch() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (change: { suspend: true; reason: string } | { suspend: false }) =>
      change.suspend ? unwrap(api.POST('/api/v1/org/suspend', { body: { reason: change.reason } })) : unwrap(api.POST('/api/v1/org/resume')),
    onSettled: () => queryClient.invalidateQueries(),
  });
}

export function useLiftLock() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (lockId: string) => unwrap(api.POST('/api/v1/locks/remove', { body: { lockId } })),
    onSettled: () => queryClient.invalidateQueries(),
  });
}
