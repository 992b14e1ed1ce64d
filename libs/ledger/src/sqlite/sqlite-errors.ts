import { LedgerIntegrityError, LedgerUnavailableError, WardenError } from '@warden/domain';

/** SQLite result codes that mean the file is damaged rather than temporarily out of reach. */
const CORRUPT_CODES = /^SQLITE_(CORRUPT|NOTADB)/;

/** Extended result code of a better-sqlite3 error (`SQLITE_BUSY`, `SQLITE_CONSTRAINT_UNIQUE`...). */
export function sqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/** True for a UNIQUE or PRIMARY KEY violation. */
export function isUniqueViolation(error: unknown): boolean {
  const code = sqliteCode(error);
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * Maps anything thrown by better-sqlite3 into the ledger error family. WardenErrors pass
 * through. A damaged file is a LedgerIntegrityError; everything else (SQLITE_BUSY, LOCKED,
 * FULL, IOERR*, READONLY*, CANTOPEN, a closed connection...) is LedgerUnavailableError: the
 * caller cannot tell a vendor bug from an outage, and must not be handed a vendor error.
 */
export function toLedgerError(error: unknown, action: string, streamId = ''): WardenError {
  if (error instanceof WardenError) return error;
  const code = sqliteCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code !== undefined && CORRUPT_CODES.test(code)) {
    return new LedgerIntegrityError(`${action}: ${code}: ${message}`, streamId, undefined, undefined);
  }
  return new LedgerUnavailableError(`${action}: ${code ?? 'error'}: ${message}`, error);
}
