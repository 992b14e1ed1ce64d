import type { ChaosRig } from './chaos-rig';
import type { CrashRun } from './crash-scenario';
import type { Exchange } from './exchange-log';

/**
 * Transport errors the kills do not explain: an error is expected only in a life that was
 * killed, and only once the kill was sent. Anything else (a refused or reset connection
 * before the kill, a timeout, any error in the last life) is a finding.
 */
export function unexpectedFailures(run: CrashRun): Exchange[] {
  return run.log.failed().filter((exchange) => {
    const killedAt = run.killedAt[exchange.life];
    return killedAt === undefined || exchange.doneAt! < killedAt;
  });
}

/** One paragraph of figures for the test output (and the issue note). */
export function crashReport(run: CrashRun, rig: ChaosRig, seed: number, elapsedMs: number, permissionMessages: number): string {
  const count = (kind: string) => run.log.exchanges.filter((exchange) => exchange.kind === kind).length;
  const acknowledged = run.log.acknowledged();
  const allowed = acknowledged.filter((exchange) => (exchange.kind === 'validate' || exchange.kind === 'heartbeat') && exchange.answer.allowed === true).length;
  const lines = [
    `crash recovery (seed ${seed}): ${run.killedAt.length} SIGKILLs, ${rig.starts} starts, ${(elapsedMs / 1000).toFixed(1)} s`,
    `  requests ${run.log.exchanges.length} (validate ${count('validate')}, register ${count('register')}, revoke ${count('revoke')}, ` +
      `unrevoke ${count('unrevoke')}, limits ${count('limits')}, suspend ${count('suspend')}, resume ${count('resume')}, create ${count('create')}, ` +
      `heartbeat ${count('heartbeat')}, policy ${count('policy')}, lock ${count('lock')}, unlock ${count('unlock')})`,
    `  answered ${run.log.answered().length}, acknowledged (2xx) ${acknowledged.length} of which commands ${acknowledged.filter((exchange) => exchange.kind !== 'validate' && exchange.kind !== 'heartbeat').length}, ` +
      `cut off by a kill ${run.log.failed().length}`,
    `  allowed answers ${allowed}; decision records in the ledger ${run.facts.decisions.length} ` +
      `(allowed ${run.facts.decisions.filter((record) => record.data.allowed).length}); ledger events ${run.facts.eventCount}`,
  ];
  const codes = new Map<string, number>();
  for (const exchange of acknowledged) if (exchange.kind === 'validate') codes.set(exchange.answer.code, (codes.get(exchange.answer.code) ?? 0) + 1);
  lines.push(`  validate codes ${JSON.stringify(Object.fromEntries(codes))}; permission messages seen on NATS ${permissionMessages}`);
  return `${lines.join('\n')}\n`;
}
