import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChildLines, run, userEnv } from '../support/child-lines';
import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp } from '../support/http-client';

const ROOT = join(__dirname, '../..');
const SDK_DIR = join(ROOT, 'libs/sdk');
const EXAMPLE_DIR = join(ROOT, 'examples/node');
/** The repo's own tools (devDependencies): typescript, publint, @arethetypeswrong/cli. */
function bin(name: string): string {
  const path = join(ROOT, 'node_modules/.bin', name);
  if (!existsSync(path)) throw new Error(`${path} is missing: install the repo's devDependencies (npm install)`);
  return path;
}

/** What a user's TypeScript sees: real declarations (an `any` module would make the expected error unused). */
const TYPES_PROBE = `import { ExecutionDenied, WardenClient, type Lease, type LeaseOptions } from '@warden/sdk';
const client: WardenClient = WardenClient.fromEnv({ WARDEN_ORG_KEY: 'org_probe' });
export const options: LeaseOptions = { deviceId: 'probe', watch: 'sse', maxStalenessMs: 1000 };
export async function probe(lease: Lease): Promise<string | undefined> {
  if (lease.reason instanceof ExecutionDenied) return lease.reason.code;
  // @ts-expect-error start() needs a deviceId
  await client.start({});
  return lease.deniedCode;
}
`;

/** import and require of the installed package give the very same module: one copy of each error class. */
const INTEROP_PROBE = `import { createRequire } from 'node:module';
import * as imported from '@warden/sdk';
const required = createRequire(import.meta.url)('@warden/sdk');
console.log(JSON.stringify({ same: imported.ExecutionDenied === required.ExecutionDenied, WardenClient: typeof imported.WardenClient, subject: imported.deviceSubject('o', 'd') }));
`;

describe('@warden/sdk, packed and installed as a user would', () => {
  let workDir: string;
  let tarball: string;
  let project: string;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'warden-sdk-package-'));
    // npm pack runs prepack, which builds libs/sdk/dist from the sources.
    await run('npm', ['pack', '--silent', '--pack-destination', workDir], { cwd: SDK_DIR });
    const packed = readdirSync(workDir).filter((name) => name.endsWith('.tgz'));
    expect(packed).toEqual(['warden-sdk-0.1.0.tgz']);
    tarball = join(workDir, packed[0]!);

    // An empty project outside the repo, with the example and its tsconfig.
    project = join(workDir, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'sdk-consumer', private: true, type: 'module' }));
    for (const file of ['worker.mjs', 'tsconfig.json']) copyFileSync(join(EXAMPLE_DIR, file), join(project, file));
    // Its dependencies were fetched by the repo's npm ci: --prefer-offline takes them from the npm cache.
    const typesNode = JSON.parse(readFileSync(join(ROOT, 'node_modules/@types/node/package.json'), 'utf8')).version as string;
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, `@types/node@${typesNode}`], { cwd: project });
  }, 300_000);

  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('contains the built code and declarations only: no sources, specs or test helpers', async () => {
    const listing = await run('tar', ['-tzf', tarball], { cwd: workDir });
    const files = listing.trim().split('\n').sort();
    expect(files).toContain('package/dist/index.js');
    expect(files).toContain('package/dist/index.d.ts');
    expect(files).toContain('package/README.md');
    expect(files.filter((file) => /\.ts$/.test(file) && !/\.d\.ts$/.test(file))).toEqual([]);
    expect(files.filter((file) => /spec|testing|fake-control-plane|tcp-proxy/.test(file))).toEqual([]);
  });

  it('installs with nats and eventsource-parser as its only dependencies', () => {
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules/@warden/sdk/package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['eventsource-parser', 'nats']);
    expect(manifest.peerDependencies).toBeUndefined();
    const installed = readdirSync(join(project, 'node_modules/@warden'));
    expect(installed).toEqual(['sdk']);
  });

  it('is one CommonJS module for import and require, with named exports for ESM', async () => {
    writeFileSync(join(project, 'interop.mjs'), INTEROP_PROBE);
    const output = await run(process.execPath, ['interop.mjs'], { cwd: project });
    expect(JSON.parse(output)).toEqual({ same: true, WardenClient: 'function', subject: 'warden.perm.bw.device.ZA' });
  });

  it('type-checks the example (checkJs) and a TypeScript file against the installed declarations', async () => {
    writeFileSync(join(project, 'types-probe.ts'), TYPES_PROBE);
    // The example's own tsconfig (checkJs, strict, nodenext), widened to the probe.
    const tsconfig = JSON.parse(readFileSync(join(project, 'tsconfig.json'), 'utf8'));
    writeFileSync(join(project, 'tsconfig.probe.json'), JSON.stringify({ ...tsconfig, include: ['worker.mjs', 'types-probe.ts'] }));
    await expect(run(bin('tsc'), ['-p', 'tsconfig.probe.json'], { cwd: project })).resolves.toBe('');
  }, 120_000);

  it('passes publint (strict) and attw (every module resolution) on the tarball', async () => {
    await expect(run(bin('publint'), ['run', '--strict', tarball], { cwd: workDir })).resolves.toMatch(/All good/);
    await expect(run(bin('attw'), [tarball, '--format', 'ascii'], { cwd: workDir })).resolves.toMatch(/No problems found/);
  }, 120_000);

  describe('the example, run from the installed package against a real control plane', () => {
    let cp: RunningControlPlane;
    let http: WardenHttp;

    beforeAll(async () => {
      cp = await startControlPlane();
      http = new WardenHttp(cp.url);
    });
    afterAll(() => cp.close({ removeData: true }));

    it('starts a lease over SSE, and a revoke aborts it: the worker stops and exits 0', async () => {
      const { orgKey } = await createOrg(http, ADMIN_TOKEN);
      const worker = new ChildLines(process.execPath, ['worker.mjs'], {
        cwd: project,
        env: userEnv({ WARDEN_URL: cp.url, WARDEN_ORG_KEY: orgKey, WORKER_ID: 'packaged-1' }),
      });
      try {
        await worker.waitFor(/\[packaged-1\] allowed to work, watching over sse/);
        await worker.waitFor(/task 1 done: 1/);
        await http.withKey(orgKey).post('/api/v1/devices/revoke', { deviceId: 'packaged-1' });
        expect(await worker.exited).toBe(0);
        expect(worker.lines).toContain('[packaged-1] stopped: DEVICE_REVOKED (ExecutionDenied)');
      } finally {
        worker.kill();
      }
    }, 60_000);

    it('refuses to start a revoked device: exit 1, no work done', async () => {
      const { orgKey } = await createOrg(http, ADMIN_TOKEN);
      await http.withKey(orgKey).post('/api/v1/devices/register', { deviceId: 'packaged-2' });
      await http.withKey(orgKey).post('/api/v1/devices/revoke', { deviceId: 'packaged-2' });
      const worker = new ChildLines(process.execPath, ['worker.mjs'], {
        cwd: project,
        env: userEnv({ WARDEN_URL: cp.url, WARDEN_ORG_KEY: orgKey, WORKER_ID: 'packaged-2' }),
      });
      try {
        expect(await worker.exited).toBe(1);
        expect(worker.lines).toEqual(['[packaged-2] refused to start: DEVICE_REVOKED']);
      } finally {
        worker.kill();
      }
    }, 60_000);
  });
});
