// Builds a Nest project of this monorepo when its build is missing or older than its sources.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '..');

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

/**
 * @param {string} project nest-cli project name (apps/<project>)
 * @param {string[]} libs the libs it is built from
 * @returns {string} the path of the built entry file
 */
export function ensureBuilt(project, libs) {
  const entry = join(root, `dist/apps/${project}/main.js`);
  const sources = [`apps/${project}/src`, ...libs.map((lib) => `libs/${lib}/src`), 'package-lock.json', 'tsconfig.json', 'nest-cli.json'];
  const built = existsSync(entry) ? statSync(entry).mtimeMs : 0;
  if (built === 0 || sources.some((path) => newestMtime(path) > built)) {
    process.stderr.write(`warden: building ${project}...\n`);
    const build = spawnSync('npx', ['nest', 'build', project], { cwd: root, stdio: ['ignore', process.stderr, 'inherit'] });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  return entry;
}

/**
 * Builds the operator console (apps/console, Vite) into dist/console when the build is missing
 * or older than its sources, the generated API types or the lock file.
 * @returns {string} the path of the built index.html
 */
export function ensureConsoleBuilt() {
  const entry = join(root, 'dist/console/index.html');
  const sources = ['apps/console/src', 'apps/console/index.html', 'apps/console/vite.config.ts', 'apps/console/tsconfig.json', 'package-lock.json'];
  const built = existsSync(entry) ? statSync(entry).mtimeMs : 0;
  if (built === 0 || sources.some((path) => newestMtime(path) > built)) {
    process.stderr.write('warden: building the console...\n');
    const build = spawnSync('npx', ['vite', 'build', '--config', 'apps/console/vite.config.ts', '--logLevel', 'warn'], {
      cwd: root,
      stdio: ['ignore', process.stderr, 'inherit'],
    });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  return entry;
}
