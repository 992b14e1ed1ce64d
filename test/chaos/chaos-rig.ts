import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NatsServerProcess } from '@warden/testing';
import { openLedger, type EventLedger } from '@warden/ledger';
import { spawnControlPlane, type ControlPlaneProcess } from '../support/control-plane.process';
import { memoryAfterGc, serverInspectorUrl, type MemoryAfterGc } from '../support/heap-after-gc';
import { pinBundleOf, spawnPinnedControlPlane } from './pinned-control-plane';

export const CHAOS_ADMIN_TOKEN = 'adm_chaos_test_token_0123456789';

/** Logged once the NATS relay has caught up with the ledger it found at start. */
export const NATS_RELAY_READY = /pushing permission changes to NATS JetStream/;

/** How long one start of the control plane may take (it may have to build first, on a busy 2-core box). */
const START_TIMEOUT_MS = 150_000;

/**
 * One nats-server and one control-plane data dir that a chaos test starts, kills with SIGKILL
 * and starts again.
 *
 * The first start is `npm start`'s (spawnControlPlane: scripts/start.mjs builds if needed and
 * runs the server as its child, found through /proc). Later starts run a copy of the bundle the
 * first one runs (see pinBundleOf: other people edit the tree meanwhile, and npm start would
 * rebuild). Either way a crash is a SIGKILL to the server process itself, reported as exit 137.
 * WARDEN_CHAOS_BUNDLE=<path to a built main.js> runs every life from that bundle instead (to
 * test a given build, e.g. one made from a clean checkout while the tree is mid-edit).
 */
export class ChaosRig {
  private readonly root = mkdtempSync(join(tmpdir(), 'warden-chaos-'));
  readonly dataDir = join(this.root, 'data');
  private bundle: string | undefined = process.env.WARDEN_CHAOS_BUNDLE || undefined;
  private current: ControlPlaneProcess | undefined;
  private serverPid: number | undefined;
  starts = 0;
  crashes = 0;

  private constructor(
    readonly nats: NatsServerProcess,
    private readonly nodeArgs: readonly string[],
  ) {
    mkdirSync(this.dataDir);
  }

  /** `nodeArgs` (e.g. INSPECT_ON_FREE_PORT, for memoryAfterGc) reach the server's node on every start. */
  static async create(options: { nodeArgs?: readonly string[] } = {}): Promise<ChaosRig> {
    return new ChaosRig(await NatsServerProcess.start(), options.nodeArgs ?? []);
  }

  get env(): Record<string, string> {
    return {
      WARDEN_LEDGER: 'sqlite',
      WARDEN_DATA_DIR: this.dataDir,
      WARDEN_ADMIN_TOKEN: CHAOS_ADMIN_TOKEN,
      WARDEN_LOG_LEVEL: 'info',
      NATS_URL: this.nats.url,
    };
  }

  get process(): ControlPlaneProcess {
    if (!this.current) throw new Error('the control plane is not running');
    return this.current;
  }

  /** PID of the control-plane server itself (the child of the npm start wrapper). */
  get pid(): number {
    if (this.serverPid === undefined) throw new Error('the control plane is not running');
    return this.serverPid;
  }

  /** Starts the control plane on the rig's data dir; resolves once it listens and its NATS relay has caught up. */
  async start(): Promise<ControlPlaneProcess> {
    if (this.current) throw new Error('the control plane is already running');
    const spawning = this.bundle ? spawnPinnedControlPlane(this.bundle, this.env, this.nodeArgs) : spawnControlPlane(this.env, this.nodeArgs);
    const started = await withDeadline(spawning, START_TIMEOUT_MS, `control plane start ${this.starts}`);
    this.current = started;
    this.starts++;
    this.serverPid = this.bundle ? started.process.pid! : serverChildOf(started.process.pid!);
    this.bundle ??= pinBundleOf(this.serverPid, join(this.root, 'control-plane.main.js'));
    try {
      await withDeadline(started.waitForOutput(NATS_RELAY_READY), 60_000, `NATS relay catch-up after start ${this.starts}`);
    } catch (error) {
      throw new Error(`${(error as Error).message}; the control plane printed:\n${started.output.slice(-40).join('\n')}`);
    }
    return started;
  }

  /** The running server's memory right after a full GC (the rig must have been created with INSPECT_ON_FREE_PORT). */
  async memoryAfterGc(): Promise<MemoryAfterGc> {
    return memoryAfterGc(await serverInspectorUrl(this.process.output));
  }

  /** SIGKILLs the server (no shutdown hook runs, no buffer is flushed) and waits until the wrapper reports it. */
  async crash(): Promise<void> {
    const running = this.process;
    process.kill(this.pid, 'SIGKILL');
    const code = await withDeadline(running.stop(), 30_000, 'exit after SIGKILL');
    this.current = undefined;
    this.serverPid = undefined;
    if (code !== 137) throw new Error(`expected the killed control plane to exit with 137, got ${code}`);
    this.crashes++;
  }

  /** Graceful stop (SIGTERM): resolves with the exit code. */
  async stop(): Promise<number | null> {
    const running = this.current;
    if (!running) return null;
    this.current = undefined;
    this.serverPid = undefined;
    return withDeadline(running.stop(), 60_000, 'graceful stop');
  }

  /** Opens the ledger file the control plane wrote (only while it is stopped). */
  openLedger(): Promise<EventLedger> {
    return openLedger({ kind: 'sqlite', dataDir: this.dataDir });
  }

  /** Stops whatever still runs and removes the data dir and the NATS store. Never throws. */
  async dispose(): Promise<void> {
    const running = this.current;
    const pid = this.serverPid;
    this.current = undefined;
    if (running) {
      const stopped = running.stop();
      const timer = setTimeout(() => pid !== undefined && killQuietly(pid), 20_000);
      await stopped.catch(() => undefined);
      clearTimeout(timer);
    }
    await this.nats.dispose().catch(() => undefined);
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Resident set size of a process in MB, from /proc/<pid>/status (VmRSS). */
export function rssMb(pid: number): number {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) / 1024;
}

/** The one child process of the npm start wrapper: the control-plane server. */
function serverChildOf(wrapperPid: number): number {
  const children = readFileSync(`/proc/${wrapperPid}/task/${wrapperPid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  if (children.length !== 1) throw new Error(`expected the start wrapper ${wrapperPid} to have one child, found [${children.join(', ')}]`);
  return children[0]!;
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Rejects with a message naming what was awaited when `promise` takes longer than `ms`. */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for: ${what}`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
