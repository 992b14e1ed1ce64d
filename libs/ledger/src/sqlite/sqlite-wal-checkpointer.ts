import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';

/**
 * The worker's code (a string: it must survive bundling of the control plane). Its own
 * connection to the file runs a PASSIVE checkpoint every `intervalMs`: it copies committed
 * WAL pages into the database file and syncs it without ever blocking writers.
 *
 * A PASSIVE pass never rewinds the WAL. SQLite rewinds it only in a write that begins when
 * every frame is already checkpointed and no reader uses the WAL; under sustained load the
 * writer commits during every pass, so that moment never comes and the file grows for as long
 * as the load lasts. So when the WAL would pass `limitBytes` before the next pass (what it
 * holds plus what it grew by since the last one), and no reader held the pass back, the worker
 * posts `rewind`: the writing connection checkpoints the few frames it committed during the
 * pass, between two of its transactions, and its next commit starts the WAL from the
 * beginning (see SqliteWalCheckpointer.rewind). If the WAL still reaches twice the limit
 * (another process writes the file too), the worker runs a RESTART checkpoint instead, which
 * holds every writer off while it finishes; its busy timeout (`restartWaitMs`, well under the
 * writers' own) bounds its waits, and one that times out is tried again at the next pass.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(require.resolve(workerData.driver, { paths: workerData.searchPaths }));
const db = new Database(workerData.path, { timeout: 1000 });
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = ' + workerData.restartWaitMs);
const frameBytes = db.pragma('page_size', { simple: true }) + 24;
let previousLog = 0;
parentPort.postMessage('ready');
const timer = setInterval(() => {
  try {
    const { log, checkpointed } = db.pragma('wal_checkpoint(PASSIVE)')[0];
    const growth = log >= previousLog ? log - previousLog : log;
    previousLog = log;
    if (growth === 0 || checkpointed !== log || (log + growth) * frameBytes < workerData.limitBytes) return;
    if (log * frameBytes < 2 * workerData.limitBytes) parentPort.postMessage('rewind');
    else db.pragma('wal_checkpoint(RESTART)');
  } catch (error) { parentPort.postMessage(String(error)); }
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

/** SQLite's own automatic checkpoint threshold (pages), restored when the worker is gone. */
const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;

/** How the worker checkpoints. */
export interface WalCheckpointerSettings {
  /** The database file (the worker opens its own connection to it). */
  readonly path: string;
  /** Time between two PASSIVE checkpoints. */
  readonly intervalMs: number;
  /** Size (bytes) the WAL is kept under: it is rewound before it would pass this at its current growth. */
  readonly limitBytes: number;
  /** Busy timeout of the worker's RESTART checkpoints: keep it well under the writers' busy timeout (they wait for it). */
  readonly restartWaitMs: number;
  /**
   * The module the worker loads (default better-sqlite3), resolved from the running script's
   * folder, then the working directory (not with require.resolve here: bundling rewrites it).
   */
  readonly driver?: string;
}

/**
 * Moves WAL checkpoints off the event loop. By default SQLite checkpoints inside the commit
 * that crosses 1000 WAL pages: under load that commit (a decision batch) copies ~4 MB and
 * syncs the database file while every request waits. Here a worker thread checkpoints
 * instead and the writing connection's automatic checkpoints are off; if the worker cannot
 * start or dies, they are switched back on, so the WAL never grows without bound.
 * (bench:validate: about 8% less CPU per request and a lower p99.) The worker also keeps the
 * WAL under `limitBytes` under sustained load, with the writing connection's help (see
 * WORKER_SOURCE and `rewind`).
 */
export class SqliteWalCheckpointer {
  private worker: Worker | undefined;
  /** Resolves true once the worker has its connection, false if it could not start (checkpoints stay in commits). */
  readonly started: Promise<boolean>;
  private settleStarted: (started: boolean) => void = () => undefined;

  private constructor(private readonly db: Database) {
    this.started = new Promise((resolve) => (this.settleStarted = resolve));
  }

  /** Starts the worker for the file `db` writes to. */
  static start(db: Database, settings: WalCheckpointerSettings): SqliteWalCheckpointer {
    const checkpointer = new SqliteWalCheckpointer(db);
    const workerData = { driver: 'better-sqlite3', ...settings, searchPaths: [dirname(process.argv[1] ?? '.'), process.cwd()] };
    let worker: Worker;
    try {
      worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
    } catch {
      checkpointer.settleStarted(false);
      return checkpointer;
    }
    checkpointer.worker = worker;
    db.pragma('wal_autocheckpoint = 0');
    worker.unref();
    worker.once('message', () => checkpointer.settleStarted(true));
    worker.on('message', (message) => message === 'rewind' && checkpointer.rewind());
    worker.once('error', () => checkpointer.fallBack());
    worker.once('exit', () => checkpointer.fallBack());
    return checkpointer;
  }

  /** Stops the worker (its connection closes); the writing connection checkpoints by itself again. */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage('stop');
    await exited;
  }

  /** Whether the worker is (still) the one checkpointing. */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /**
   * Runs on the event loop, so never inside one of the writing connection's transactions
   * (they are synchronous): checkpoints what the worker's last pass left (the frames committed
   * meanwhile, a few dozen under load; one sync of each file), so that the next commit on this
   * connection begins on a fully checkpointed WAL and rewinds it. Returns at once, changing
   * nothing, if a checkpoint is already running on another connection.
   */
  private rewind(): void {
    if (!this.worker || !this.db.open) return;
    try {
      this.db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // An I/O error here is the next commit's to report (it fails closed); the worker asks again.
    }
  }

  private fallBack(): void {
    this.settleStarted(false);
    if (!this.worker) return;
    this.worker = undefined;
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
  }
}
