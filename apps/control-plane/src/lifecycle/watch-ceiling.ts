import { readFileSync } from 'node:fs';

/**
 * The soft limit on open files of this process (`ulimit -n`; Node raises it to the hard limit
 * at start), read from `/proc/self/limits`, since Node has no API for it. Undefined where
 * that file does not exist (not Linux), cannot be read, or says `unlimited`.
 */
export function readOpenFileLimit(path = '/proc/self/limits'): number | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const match = /^Max open files\s+(\d+|unlimited)\s/m.exec(text);
  if (!match || match[1] === 'unlimited') return undefined;
  const limit = Number(match[1]);
  return Number.isSafeInteger(limit) && limit > 0 ? limit : undefined;
}

/** The per-node watch cap a node applies, and where it comes from. */
export interface WatchCeiling {
  /** Most watches open at once: the configured cap, or less to leave the reserve free. */
  readonly max: number;
  readonly openFileLimit: number | undefined;
  /** Descriptors no watch may take: left for validate, the ledger, NATS, logs. */
  readonly reserve: number | undefined;
}

/**
 * Each watch holds one descriptor (its socket) for as long as the client keeps it. Watches
 * may never take the last descriptors, or validate (and the ledger) would fail with EMFILE:
 * of the open-file limit, a fifth is kept in reserve, and never less than 256 descriptors (or
 * half the limit, when the limit is tiny). With a limit of 20000 that
 * leaves 16000 for watches (the default `WARDEN_WATCH_MAX` of 10000 applies); with the
 * common 1024, 768. Without a known limit, the configured cap applies as it is.
 */
export function watchCeiling(configuredMax: number, openFileLimit: number | undefined): WatchCeiling {
  if (openFileLimit === undefined) return { max: configuredMax, openFileLimit, reserve: undefined };
  const reserve = Math.max(Math.ceil(openFileLimit / 5), Math.min(256, Math.ceil(openFileLimit / 2)));
  return { max: Math.max(0, Math.min(configuredMax, openFileLimit - reserve)), openFileLimit, reserve };
}
