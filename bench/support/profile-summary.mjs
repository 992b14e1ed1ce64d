#!/usr/bin/env node
// Prints where a V8 .cpuprofile (node --cpu-prof) spent its samples: the top functions by
// self time, and self time grouped by package (node_modules/<pkg>, node: internals, our code).
// Usage: node bench/support/profile-summary.mjs <file.cpuprofile> [top=30] [skipSeconds=0] [--window=fromMicros-toMicros]
// (skipSeconds leaves out the first seconds of the profile: start-up, warm-up; --window keeps
// only the samples between two CLOCK_MONOTONIC times in microseconds, the clock of
// process.hrtime.bigint() / 1000n, which benchmarks print around what they measure).
import { readFileSync } from 'node:fs';

const windowArg = process.argv.find((arg) => arg.startsWith('--window='));
const [from, to] = windowArg ? windowArg.slice('--window='.length).split('-').map(Number) : [-Infinity, Infinity];
const [file, topArg, skipArg] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const profile = JSON.parse(readFileSync(file, 'utf8'));
const top = Number(topArg ?? 30);
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const skipMicros = Number(skipArg ?? 0) * 1e6;
const selfTicks = new Map();
let elapsed = 0;
let total = 0;
profile.samples.forEach((id, index) => {
  elapsed += profile.timeDeltas[index];
  if (elapsed < skipMicros) return;
  const at = profile.startTime + elapsed;
  if (at < from || at > to) return;
  selfTicks.set(id, (selfTicks.get(id) ?? 0) + 1);
  total += 1;
});

const byFunction = new Map();
const byPackage = new Map();
for (const [id, ticks] of selfTicks) {
  const { functionName, url, lineNumber } = nodes.get(id).callFrame;
  const name = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '~/').replace(/^file:\/\/.*\/(apps|libs|dist)\//, '$1/')}:${lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + ticks);
  const pkg = url === '' ? `(${functionName || 'native'})` : url.startsWith('node:') ? 'node:' + url.slice(5).split('/')[0] : (/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? 'warden');
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ticks);
}
const print = (title, map, limit) => {
  console.log(`\n${title}`);
  for (const [name, ticks] of [...map].sort((a, b) => b[1] - a[1]).slice(0, limit)) {
    console.log(`${((100 * ticks) / total).toFixed(1).padStart(5)}%  ${name}`);
  }
};
print(`by package (${total} samples)`, byPackage, 25);
print('by function (self time)', byFunction, top);
