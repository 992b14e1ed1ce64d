import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const RESULTS_DIR = join(__dirname, '..', 'results');

/** Writes one benchmark's markdown table and JSON figures to bench/results/<name>.{md,json}. */
export function writeResult(name: string, result: { table: string; json: unknown }): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${name}.md`), `${result.table}\n`);
  writeFileSync(join(RESULTS_DIR, `${name}.json`), `${JSON.stringify(result.json, null, 2)}\n`);
}
