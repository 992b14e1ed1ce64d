import { useQuery } from '@tanstack/react-query';
import { api, ApiError, unwrap } from '../../../api/client';
import { isFinal } from './propagation-state';

export type { Propagation } from './propagation-state';

/** How often an unfinished report is asked again: acks are not pushed to the console. */
const POLL_MS = 750;
/** Right after a kill action the relay may not have processed it yet (change_not_known): asked again this often, this many times. */
const NOT_YET_KNOWN_RETRY_MS = 250;
const NOT_YET_KNOWN_RETRIES = 20;

/** A position as the API takes it: decimal digits, below 2^63. */
export const POSITION_PATTERN = /^\d{1,19}$/;

/**
 * The propagation report of the change committed at `position` (GET /api/v1/propagation),
 * asked again until it is final. `justCommitted`: the console took this action a moment ago,
 * so a change_not_known means "not processed yet" and is asked again for a few seconds.
 */
export function usePropagation(position: string, { justCommitted }: { justCommitted: boolean }) {
  return useQuery({
    queryKey: ['propagation', position],
    queryFn: async () => (await unwrap(api.GET('/api/v1/propagation', { params: { query: { position } } }))).propagation,
    staleTime: 0,
    refetchInterval: (query) => (query.state.error || (query.state.data && isFinal(query.state.data)) ? false : POLL_MS),
    retry: (count, error) => {
      if (error instanceof ApiError && error.code === 'change_not_known') return justCommitted && count < NOT_YET_KNOWN_RETRIES;
      return !(error instanceof ApiError && error.status < 500) && count < 2;
    },
    retryDelay: (count, error) => (error instanceof ApiError && error.code === 'change_not_known' ? NOT_YET_KNOWN_RETRY_MS : Math.min(1000 * 2 ** count, 10_000)),
  });
}
