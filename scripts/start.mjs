#!/usr/bin/env node
// `npm start`: builds the control plane when the build is missing or older than the sources,
// then runs it in this process's place (signals and exit code pass through).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const entry = join(root, 'dist/apps/control-plane/main.js');
// What the control plane is built from (specs, test helpers and the SDK are not part of it).
const sources = [
  'apps/control-plane/src',
  ...['domain', 'ledger', 'projection', 'enforcement', 'broadcast'].map((lib) => `libs/${lib}/src`),
  'package-lock.json',
  'tsconfig.json',
  'nest-cli.json',
];
const ignored = (name) => name.endsWith('.spec.ts') || name === 'contract' || name === 'testing';

function newestMtime(path) {
  const full = join(root, path);
  if (!existsSync(full)) return 0;
  const stat = statSync(full);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(full)) if (!ignored(name)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

const built = existsSync(entry) ? statSync(entry).mtimeMs : 0;
if (built === 0 || sources.some((path) => newestMtime(path) > built)) {
  process.stderr.write('warden: building the control plane...\n');
  const build = spawnSync('npx', ['nest', 'build', 'control-plane'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const child = spawn(process.execPath, [entry], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? 128 + (os.constants.signals[signal] ?? 0)));
