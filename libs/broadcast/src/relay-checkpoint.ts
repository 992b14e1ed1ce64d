import { open, mkdir, readFile, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { WardenError } from '@warden/domain';
import { z } from 'zod';
import { RelayCheckpointCorruptError, RelayCheckpointUnavailableError } from './broadcast.errors';

/**
 * Where the relay keeps the ledger position up to which every permission message has been
 * published. Positions only move forward, and only past events whose messages went out.
 */
export abstract class RelayCheckpointStore {
  /** The saved position, or undefined when none was ever saved. Rejects on a corrupt or unreadable store. */
  abstract load(): Promise<bigint | undefined>;
  /** Durably replaces the saved position. */
  abstract save(position: bigint): Promise<void>;
}

/** A checkpoint held in memory: for tests, and for relays whose consumers do not outlive the process (SSE). */
export class InMemoryRelayCheckpointStore extends RelayCheckpointStore {
  constructor(private position?: bigint) {
    super();
  }

  async load(): Promise<bigint | undefined> {
    return this.position;
  }

  async save(position: bigint): Promise<void> {
    const invalid = invalidPosition(position);
    if (invalid) throw invalid;
    this.position = position;
  }
}

const checkpointFileSchema = z.object({ version: z.literal(1), position: z.string().regex(/^(0|[1-9]\d*)$/) });

/**
 * A checkpoint in a small JSON file (`{"version":1,"position":"123"}`), replaced atomically:
 * written to a temporary file, fsynced, renamed over the old one, then the directory is
 * fsynced, so a crash leaves either the old or the new checkpoint, never a torn one. A file
 * that exists but does not parse is a RelayCheckpointCorruptError: resetting it silently
 * would republish (or, worse, skip) history.
 */
export class FileRelayCheckpointStore extends RelayCheckpointStore {
  /** Saves run one at a time, in call order, so a slow older save can never land last. */
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {
    super();
  }

  async load(): Promise<bigint | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw new RelayCheckpointUnavailableError(this.path, 'load', error);
    }
    return parseCheckpoint(this.path, text);
  }

  save(position: bigint): Promise<void> {
    const invalid = invalidPosition(position);
    if (invalid) return Promise.reject(invalid);
    const saved = this.queue.then(() => this.write(position));
    this.queue = saved.catch(() => undefined);
    return saved;
  }

  private async write(position: bigint): Promise<void> {
    const dir = dirname(this.path);
    const temporary = join(dir, `.${basename(this.path)}.${process.pid}.tmp`);
    try {
      await mkdir(dir, { recursive: true });
      const file = await open(temporary, 'w');
      try {
        await file.writeFile(`${JSON.stringify({ version: 1, position: position.toString() })}\n`);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temporary, this.path);
      await syncDirectory(dir);
    } catch (error) {
      throw new RelayCheckpointUnavailableError(this.path, 'save', error);
    }
  }
}

function parseCheckpoint(path: string, text: string): bigint {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new RelayCheckpointCorruptError(path, 'not JSON');
  }
  const parsed = checkpointFileSchema.safeParse(json);
  if (!parsed.success) throw new RelayCheckpointCorruptError(path, 'expected {"version":1,"position":"<decimal>"}');
  return BigInt(parsed.data.position);
}

/** Codes of platforms that cannot open or fsync a directory (Windows): the rename is as durable as they allow. */
const DIRECTORY_SYNC_UNSUPPORTED = new Set(['EISDIR', 'EINVAL', 'EPERM', 'EBADF']);

/** Makes the rename itself durable. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (!DIRECTORY_SYNC_UNSUPPORTED.has(codeOf(error) ?? '')) throw error;
  }
}

function invalidPosition(position: bigint): WardenError | undefined {
  return position < 0n
    ? new WardenError('invalid', 'invalid_checkpoint', `a checkpoint position cannot be negative, got ${position}`)
    : undefined;
}

function codeOf(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

function isNotFound(error: unknown): boolean {
  return codeOf(error) === 'ENOENT';
}
