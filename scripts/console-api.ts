/**
 * The console's API types, generated from the control plane's own OpenAPI document, so that
 * the console changes with the API. `npm run console:api` builds the document in-process (the
 * real app on the memory ledger, not listening) and writes apps/console/src/api/openapi.json
 * and schema.d.ts (openapi-typescript); `npm run console:api -- --check` exits 1, naming the
 * files, when the committed ones are stale. test/console/console-api.e2e-spec.ts runs the
 * same check in `npm test`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import pino from 'pino';
import { createApp } from '../apps/control-plane/src/bootstrap';
import { resolveNodeIdentity } from '../apps/control-plane/src/config/node-identity';
import { loadConfig } from '../apps/control-plane/src/config/warden-config';
import { buildOpenApiDocument } from '../apps/control-plane/src/http/openapi.document';

export const CONSOLE_API_DIR = join(__dirname, '..', 'apps', 'console', 'src', 'api');
const HEADER = '/**\n * Generated from the control plane\'s OpenAPI document by scripts/console-api.ts: do not edit.\n * Run `npm run console:api` after changing the API.\n */\n\n';

/** The generated files, by name, with their content. */
export async function generateConsoleApi(): Promise<Record<string, string>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-openapi-'));
  const config = loadConfig({ WARDEN_LEDGER: 'memory', WARDEN_DATA_DIR: dataDir, WARDEN_ADMIN_TOKEN: 'openapi-document-only-token', WARDEN_LOG_LEVEL: 'silent' });
  const app = await createApp({ config, identity: resolveNodeIdentity(config), logger: pino({ level: 'silent' }) });
  try {
    const document = buildOpenApiDocument(app);
    const json = `${JSON.stringify(document, null, 2)}\n`;
    const types = HEADER + astToString(await openapiTS(JSON.parse(json)));
    return { 'openapi.json': json, 'schema.d.ts': types };
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The names of the committed files that differ from what the API generates now. */
export async function staleConsoleApiFiles(): Promise<string[]> {
  const files = await generateConsoleApi();
  return Object.entries(files)
    .filter(([name, content]) => readCommitted(name) !== content)
    .map(([name]) => `apps/console/src/api/${name}`);
}

function readCommitted(name: string): string | undefined {
  try {
    return readFileSync(join(CONSOLE_API_DIR, name), 'utf8');
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--check')) {
    const stale = await staleConsoleApiFiles();
    if (stale.length > 0) {
      process.stderr.write(`stale: ${stale.join(', ')}; run npm run console:api and commit the result\n`);
      process.exit(1);
    }
    process.stdout.write('the console API types match the control plane\n');
    return;
  }
  for (const [name, content] of Object.entries(await generateConsoleApi())) {
    writeFileSync(join(CONSOLE_API_DIR, name), content);
    process.stdout.write(`wrote apps/console/src/api/${name}\n`);
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
