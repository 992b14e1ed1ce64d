import { WrongExpectedVersionError } from '@eventstore/db-client';
import { ConcurrencyError, LedgerUnavailableError, WardenError } from '@warden/domain';
import { NO_STREAM_REVISION, describeExpected } from '../append-rules';
import type { ExpectedRevision } from '../event-ledger.port';

/** gRPC status UNAVAILABLE. */
const GRPC_UNAVAILABLE = 14;

/**
 * True when the server could not be reached or went away: the client's UnavailableError, or
 * a raw gRPC error with status 14 (the client lets those through unconverted, e.g. from the
 * ServerFeatures probe that runs on the first append of a connection).
 */
export function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const type = (error as { type?: unknown } | null)?.type;
  return code === GRPC_UNAVAILABLE || type === 'unavailable';
}

/** The current revision a WrongExpectedVersionError reports, as our number (-1 for no stream). */
export function actualRevision(error: WrongExpectedVersionError): bigint {
  return typeof error.actualVersion === 'bigint' ? error.actualVersion : NO_STREAM_REVISION;
}

/**
 * Maps anything thrown by the EventStoreDB client into the ledger error family. WardenErrors
 * pass through; WrongExpectedVersionError becomes ConcurrencyError with the actual revision;
 * everything else (unavailable, deadline exceeded, cancelled, unknown) becomes
 * LedgerUnavailableError: as in the SQLite adapter, the caller cannot tell a vendor bug from an
 * outage and must never be handed a vendor error.
 */
export function toLedgerError(error: unknown, action: string, streamId = '', expected?: ExpectedRevision): WardenError {
  if (error instanceof WardenError) return error;
  if (error instanceof WrongExpectedVersionError) {
    const described = expected === undefined ? String(error.expectedVersion) : describeExpected(expected);
    return new ConcurrencyError(streamId || error.streamName, described, actualRevision(error));
  }
  const type = (error as { type?: unknown } | null)?.type;
  const kind = isUnavailable(error) ? 'unavailable' : typeof type === 'string' ? type : 'error';
  const message = error instanceof Error ? error.message : String(error);
  return new LedgerUnavailableError(`${action}: eventstoredb ${kind}: ${message}`, error);
}

/**
 * Runs a call again once when it fails as unavailable. After a server restart the client's
 * first call fails on the dead channel ("Channel closed before call started") and only then
 * reconnects; one more attempt separates that from a server that is really away. When both
 * attempts fail as unavailable, the first error (the original failure) is thrown.
 */
export async function retryOnceIfUnavailable<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (first) {
    if (!isUnavailable(first)) throw first;
    try {
      return await call();
    } catch (second) {
      throw isUnavailable(second) ? first : second;
    }
  }
}
