import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** The binary: NATS_SERVER_BIN, else Debian's /usr/sbin/nats-server, else `nats-server` on the PATH. */
const NATS_SERVER = process.env.NATS_SERVER_BIN ?? (existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : 'nats-server');
const LISTENING = /Listening for client connections on [^:]+:(\d+)/;
const READY = /Server is ready/;

/**
 * A nats-server with JetStream that a test starts on 127.0.0.1 and a random port, with its
 * own store directory, and can stop and start again on the same port and store (for outage
 * tests). Stopped by PID; the store is removed by `dispose()`.
 */
export class NatsServerProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private portNumber = -1;

  private constructor(private readonly storeDir: string) {}

  static async start(): Promise<NatsServerProcess> {
    const server = new NatsServerProcess(mkdtempSync(join(tmpdir(), 'warden-nats-')));
    await server.launch();
    return server;
  }

  get port(): number {
    return this.portNumber;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.portNumber}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.kill('SIGTERM');
    await this.exited;
    clearTimeout(timer);
  }

  /** Starts the server again on the same port with the same JetStream store. */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.storeDir, { recursive: true, force: true });
  }

  private launch(): Promise<void> {
    const port = this.portNumber > 0 ? String(this.portNumber) : '-1';
    const child = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', port, '-js', '-sd', this.storeDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const output: string[] = [];
    return new Promise((resolve, reject) => {
      const onLine = (line: string) => {
        output.push(line);
        const listening = LISTENING.exec(line);
        if (listening) this.portNumber = Number(listening[1]);
        if (READY.test(line)) resolve();
      };
      createInterface({ input: child.stdout! }).on('line', onLine);
      createInterface({ input: child.stderr! }).on('line', onLine);
      child.once('error', reject);
      void this.exited!.then(() => reject(new Error(`nats-server exited before it was ready:\n${output.join('\n')}`)));
    });
  }
}
