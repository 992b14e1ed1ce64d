import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface ControlPlaneProcess {
  readonly url: string;
  readonly process: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  readonly output: string[];
  /** Resolves with the first line (printed so far or later) that matches. */
  waitForOutput(pattern: RegExp): Promise<string>;
  /** Sends SIGTERM (forwarded to the control plane) and waits for the exit code; at once if it already exited. */
  stop(): Promise<number | null>;
}

const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/;

/**
 * Runs `npm start`'s script (scripts/start.mjs: build if needed, then run) as a real process
 * on 127.0.0.1 and a free port, and resolves once it logs that it is listening (so it needs
 * WARDEN_LOG_LEVEL info or lower). `nodeArgs` (e.g. --cpu-prof) reach the control plane's node.
 * Tests stop it with `stop()` in a finally block.
 */
export function spawnControlPlane(env: Record<string, string>, nodeArgs: readonly string[] = []): Promise<ControlPlaneProcess> {
  const child = spawn(process.execPath, [...nodeArgs, join(__dirname, '../../scripts/start.mjs')], {
    env: { ...process.env, WARDEN_HTTP_HOST: '127.0.0.1', WARDEN_HTTP_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return watchControlPlane(child, 'control plane');
}

const ROOT = join(__dirname, '../..');

/**
 * Runs a TypeScript entry point of the test harness (one that calls `serve(hooks)`) as a real
 * control-plane process, transpiled by ts-node: for faults a built bundle must never carry.
 */
export function spawnControlPlaneFromSource(entry: string, env: Record<string, string>): Promise<ControlPlaneProcess> {
  const register = ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'];
  const child = spawn(process.execPath, [...register, entry], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), WARDEN_HTTP_HOST: '127.0.0.1', WARDEN_HTTP_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return watchControlPlane(child, entry);
}

/**
 * Follows a control-plane child process (stdout and stderr piped): collects its output and
 * resolves once it logs that it is listening; rejects if it exits first. An exit by a signal
 * reports 128 + the signal number, as the npm start wrapper does.
 */
export function watchControlPlane(child: ChildProcess, label: string): Promise<ControlPlaneProcess> {
  const output: string[] = [];
  let waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : null);
      resolve(exitCode);
    }),
  );
  const waitForOutput = (pattern: RegExp): Promise<string> => {
    const seen = output.find((line) => pattern.test(line));
    return seen !== undefined ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ pattern, resolve }));
  };
  const stop = (): Promise<number | null> => {
    if (exitCode === undefined) child.kill('SIGTERM');
    return exited;
  };
  return new Promise((resolve, reject) => {
    const onLine = (line: string) => {
      output.push(line);
      waiters = waiters.filter((waiter) => (waiter.pattern.test(line) ? (waiter.resolve(line), false) : true));
      const match = LISTENING.exec(line);
      if (match) resolve({ url: match[1]!, process: child, output, waitForOutput, stop });
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    void exited.then((code) => reject(new Error(`${label} exited (${code}) before listening:\n${output.join('\n')}`)));
  });
}
