import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../../api/client';

export type KeyView = Schemas['KeyView_Output'];

const KEYS = ['keys'] as const;

/** The org's active keys: id, scope, when issued (GET /api/v1/org/keys; never a key nor its hash). */
export function useKeys() {
  return useQuery({ queryKey: KEYS, queryFn: () => unwrap(api.GET('/api/v1/org/keys')) });
}

/** Issues a runtime key (POST /api/v1/org/keys): the answer is the only time the key is ever shown. */
export function useIssueRuntimeKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/org/keys', { body: { scope: 'runtime' } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: KEYS }),
  });
}

export function useRevokeKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (keyId: string) => unwrap(api.POST('/api/v1/org/keys/revoke', { body: { keyId } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: KEYS }),
  });
}
