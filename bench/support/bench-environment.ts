import { NatsServerProcess } from '@warden/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnControlPlane, type ControlPlaneProcess } from '../../test/support/control-plane.process';

export const BENCH_ADMIN_TOKEN = 'bench-admin-token-0123456789';

/** A nats-server and a control-plane process (built by `npm start`'s script) on a fresh SQLite data dir. */
export interface BenchEnvironment {
  readonly nats: NatsServerProcess;
  readonly controlPlane: ControlPlaneProcess;
  dispose(): Promise<void>;
}

export async function startBenchEnvironment(env: Record<string, string> = {}): Promise<BenchEnvironment> {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-bench-'));
  const nats = await NatsServerProcess.start();
  // BENCH_CPU_PROF=<dir>: the control plane runs with --cpu-prof (see docs/performance.md).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const controlPlane = await spawnControlPlane({
    WARDEN_DATA_DIR: dataDir,
    NATS_URL: nats.url,
    WARDEN_ADMIN_TOKEN: BENCH_ADMIN_TOKEN,
    WARDEN_LOG_LEVEL: 'info',
    // The benchmarks register their runtimes with one key: the per-key register limit is not what they measure.
    WARDEN_REGISTER_RATE_LIMIT: '0',
    ...env,
  }, profile);
  // The permission stream exists once the NATS relay has caught up; leases need it.
  await controlPlane.waitForOutput(/pushing permission changes to NATS JetStream/);
  return {
    nats,
    controlPlane,
    async dispose() {
      await controlPlane.stop();
      await nats.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function machineDescription(): string {
  const cpu = cpus();
  return `${cpu.length} x ${cpu[0]?.model ?? 'cpu'}, Node ${process.version}`;
}
