/**
 * `npm run bench`: runs every benchmark, one after the other, each in its own process (as
 * `npm run bench:<name>` would), then writes bench/results/latest.json (every benchmark's
 * figures, each beside the baseline it measured in the same run) and bench/results/latest.md
 * (their tables). A benchmark that fails is reported in both and makes the run exit 1.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machineDescription } from './support/bench-environment';
import { RESULTS_DIR } from './support/results';

const BENCHMARKS = ['validate', 'revoke', 'replicas', 'audit', 'startup', 'leases', 'acks', 'ledger-size'] as const;
const SCRIPT = {
  validate: 'validate',
  revoke: 'revoke',
  replicas: 'replica-lag',
  audit: 'audit',
  startup: 'startup',
  leases: 'lease-expiry',
  acks: 'ack-load',
  'ledger-size': 'ledger-size',
} as const;

const startedAt = new Date().toISOString();
const results: Record<string, unknown> = {};
const tables: string[] = [];
let failed = 0;
for (const name of BENCHMARKS) {
  for (const ext of ['md', 'json']) rmSync(join(RESULTS_DIR, `${name}.${ext}`), { force: true });
  console.log(`\n=== bench:${name}`);
  const run = spawnSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', join(__dirname, `${SCRIPT[name]}.bench.ts`)],
    { stdio: 'inherit', env: { ...process.env, TS_NODE_PROJECT: join(__dirname, '..', 'tsconfig.json') } },
  );
  const jsonFile = join(RESULTS_DIR, `${name}.json`);
  if (run.status !== 0 || !existsSync(jsonFile)) {
    failed += 1;
    results[name] = { failed: true, exitCode: run.status };
    tables.push(`## bench:${name}\n\nFAILED (exit ${run.status})`);
    continue;
  }
  results[name] = JSON.parse(readFileSync(jsonFile, 'utf8'));
  tables.push(`## bench:${name}\n\n${readFileSync(join(RESULTS_DIR, `${name}.md`), 'utf8').trim()}`);
}
const machine = machineDescription();
writeFileSync(join(RESULTS_DIR, 'latest.json'), `${JSON.stringify({ startedAt, finishedAt: new Date().toISOString(), machine, results }, null, 2)}\n`);
writeFileSync(join(RESULTS_DIR, 'latest.md'), `# warden benchmarks (${startedAt}, ${machine})\n\n${tables.join('\n\n')}\n`);
console.log(`\nwrote ${join(RESULTS_DIR, 'latest.md')} and latest.json${failed ? `; ${failed} benchmark(s) FAILED` : ''}`);
process.exit(failed ? 1 : 0);
