import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { watchControlPlane, type ControlPlaneProcess } from '../support/control-plane.process';

const REPO_ROOT = join(__dirname, '../..');

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
 * signal reports 128 + the signal number, as the npm start wrapper does. `nodeArgs` (e.g.
 * --inspect) reach the server's node.
 */
export function spawnPinnedControlPlane(bundle: string, env: Record<string, string>, nodeArgs: readonly string[] = []): Promise<ControlPlaneProcess> {
  const child = spawn(process.execPath, [...nodeArgs, bundle], {
    env: { ...process.env, NODE_PATH: join(REPO_ROOT, 'node_modules'), WARDEN_HTTP_HOST: '127.0.0.1', WARDEN_HTTP_PORT: '0', ...env },
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return watchControlPlane(child, 'pinned control plane');
}
