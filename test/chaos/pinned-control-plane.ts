import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ControlPlaneProcess } from '../support/control-plane.process';

const REPO_ROOT = join(__dirname, '../..');
const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/;

/**
 * Copies the control-plane bundle a running server was started from (its entry file, read
 * from /proc/<pid>/cmdline) to `target`. The chaos suites restart the server many times; npm
 * start rebuilds whenever a source is newer than the build, so while other people edit the
 * tree each restart could run different (or half-edited, failing) code. Restarting from the
 * copy keeps every life of one test on the same build.
 */
export function pinBundleOf(serverPid: number, target: string): string {
  const argv = readFileSync(`/proc/${serverPid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  const entry = argv.find((arg) => arg.endsWith('main.js'));
  if (!entry) throw new Error(`cannot tell the bundle of pid ${serverPid} from its command line: ${argv.join(' ')}`);
  copyFileSync(entry, target);
  return target;
}

/**
 * Runs a pinned bundle as the control-plane process (node <bundle>, packages resolved from the
 * repository's node_modules), on 127.0.0.1 and a free port; resolves once it is listening.
 * Same shape as spawnControlPlane's answer; the server is the child itself, and an exit by a
 * signal reports 128 + the signal number, as the npm start wrapper does.
 */
export function spawnPinnedControlPlane(bundle: string, env: Record<string, string>): Promise<ControlPlaneProcess> {
  const child = spawn(process.execPath, [bundle], {
    env: { ...process.env, NODE_PATH: join(REPO_ROOT, 'node_modules'), WARDEN_HTTP_HOST: '127.0.0.1', WARDEN_HTTP_PORT: '0', ...env },
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  let waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal === 'SIGKILL' ? 137 : signal === 'SIGTERM' ? 143 : null);
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
    void exited.then((code) => reject(new Error(`pinned control plane exited (${code}) before listening:\n${output.join('\n')}`)));
  });
}
