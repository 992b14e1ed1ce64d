import { WardenError } from '@warden/domain';
import type { ReadAllOptions } from './event-ledger.port';

/** Page size of readAll when the caller gives no limit. Page until an empty page comes back. */
export const DEFAULT_READ_ALL_LIMIT = 1000;

/** The `limit` of a readStream: a positive integer, or undefined for the whole rest of the stream. */
export function resolveStreamLimit(limit: number | undefined): number | undefined {
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) {
    throw new WardenError('invalid', 'invalid_limit', `readStream limit must be a positive integer, got ${limit}`);
  }
  return limit;
}

/** ReadAllOptions with defaults applied and prefixes normalized. */
export interface ResolvedReadAll {
  /** Exclusive start position; 0n reads from the beginning (positions start at 1 or later). */
  after: bigint;
  /** Disjoint prefixes, or undefined for every stream. An empty array matches no stream. */
  prefixes: string[] | undefined;
  limit: number;
}

/** Validates and defaults readAll options; a limit that is not a positive integer is `invalid`. */
export function resolveReadAll(options: ReadAllOptions | undefined): ResolvedReadAll {
  const limit = options?.limit ?? DEFAULT_READ_ALL_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new WardenError('invalid', 'invalid_limit', `readAll limit must be a positive integer, got ${limit}`);
  }
  const prefixes = options?.streamPrefixes;
  return {
    after: options?.after ?? 0n,
    prefixes: prefixes === undefined ? undefined : normalizePrefixes(prefixes),
    limit,
  };
}

/** True when the stream id starts with one of the prefixes (undefined: every stream). */
export function matchesPrefixes(streamId: string, prefixes: readonly string[] | undefined): boolean {
  if (prefixes === undefined) return true;
  for (const prefix of prefixes) if (streamId.startsWith(prefix)) return true;
  return false;
}

/**
 * Drops duplicates and prefixes covered by a shorter one (`org-` covers `org-acme`), so the
 * remaining prefixes match disjoint sets of streams and per-prefix reads never overlap.
 */
export function normalizePrefixes(prefixes: readonly string[]): string[] {
  const sorted = [...new Set(prefixes)].sort((a, b) => a.length - b.length);
  const kept: string[] = [];
  for (const prefix of sorted) if (!kept.some((k) => prefix.startsWith(k))) kept.push(prefix);
  return kept;
}
