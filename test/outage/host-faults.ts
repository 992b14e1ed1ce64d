import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmdirSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Storage faults for a running process, made with tools that bite even for root (the suites
 * run as root, which ignores permission bits, and a chmod never affects file descriptors that
 * are already open anyway, as SQLite's are).
 */

function run(command: string, args: readonly string[]): void {
  execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * The immutable attribute (`chattr +i`, ext4/xfs/btrfs/tmpfs): the kernel refuses every write
 * to the inode with EPERM, also through descriptors opened before, and also for root. On a
 * directory it refuses creating, renaming and removing entries.
 */
export class ImmutableFiles {
  private applied: string[] = [];

  /** Throws with the tool's message if the attribute cannot be set where `dir` lives. */
  static assertSupported(dir: string): void {
    run('chattr', ['+i', dir]);
    run('chattr', ['-i', dir]);
  }

  set(paths: readonly string[]): void {
    for (const path of paths) {
      run('chattr', ['+i', path]);
      this.applied.push(path);
    }
  }

  /** Clears every attribute this instance set (idempotent: safe in afterAll after a failure). */
  clear(): void {
    for (const path of this.applied.splice(0).reverse()) {
      if (existsSync(path)) run('chattr', ['-i', path]);
    }
  }
}

/**
 * A tmpfs of a fixed size mounted on a fresh directory: a disk that can be filled and emptied
 * while a process keeps its files open on it. `fill()` takes every free byte with one filler
 * file; `drain()` deletes it. `dispose()` unmounts and removes the mount point.
 */
export class SmallTmpfs {
  private mounted = false;
  private readonly filler: string;

  private constructor(readonly dir: string) {
    this.filler = join(dir, 'filler.bin');
  }

  static mount(sizeBytes: number): SmallTmpfs {
    const dir = mkdtempSync(join(tmpdir(), 'warden-full-disk-'));
    const fs = new SmallTmpfs(dir);
    try {
      run('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes},mode=0700`, 'tmpfs', dir]);
      fs.mounted = true;
    } catch (error) {
      rmdirSync(dir);
      throw error;
    }
    return fs;
  }

  /** Writes the filler until the filesystem answers ENOSPC even for one byte. */
  fill(): void {
    const fd = openSync(this.filler, 'w');
    try {
      for (const size of [1 << 16, 1 << 12, 1]) {
        const chunk = Buffer.alloc(size, 0x5a);
        for (;;) {
          try {
            if (writeSync(fd, chunk) < size) break;
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
            throw error;
          }
        }
      }
    } finally {
      closeSync(fd);
    }
  }

  drain(): void {
    rmSync(this.filler, { force: true });
  }

  /** Unmounts (lazily if something still holds it) and removes the mount point. Idempotent. */
  dispose(): void {
    if (this.mounted) {
      try {
        run('umount', [this.dir]);
      } catch {
        run('umount', ['-l', this.dir]);
      }
      this.mounted = false;
    }
    if (existsSync(this.dir)) rmdirSync(this.dir);
  }
}
