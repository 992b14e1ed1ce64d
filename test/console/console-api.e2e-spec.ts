import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/**
 * The console's API client is typed from the control plane's own OpenAPI document. A change of
 * the API that is not followed by `npm run console:api` fails here, naming the stale files.
 * The check runs as its own process (`npm run console:api -- --check`): openapi-typescript
 * depends on ES modules that Node loads and jest's CommonJS runtime does not.
 */
describe("the console's generated API types", () => {
  it('match the OpenAPI document the control plane builds now', () => {
    const check = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules/ts-node/dist/bin.js'), '--transpile-only', '-r', 'tsconfig-paths/register', '-P', 'tsconfig.json', 'scripts/console-api.ts', '--check'],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
    );
    expect({ status: check.status, stderr: check.stderr }).toEqual({ status: 0, stderr: '' });
    expect(check.stdout).toContain('the console API types match the control plane');
  }, 70_000);
});
