/**
 * A worker gated by warden at every boundary: at startup (no lease, no work), before each
 * task, and again before each side effect. It stops the moment its permission is withdrawn.
 *
 *   WARDEN_URL=http://127.0.0.1:8080 WARDEN_ORG_KEY=org_... npm run example:worker
 *
 * Optional: NATS_URL (push over NATS instead of SSE), WORKER_ID (default worker-1).
 */
import { ExecutionDenied, WardenClient } from '@warden/sdk';

const deviceId = process.env.WORKER_ID ?? 'worker-1';

async function main(): Promise<void> {
  const warden = WardenClient.fromEnv();
  // Register. Validate. Work: start() throws ExecutionDenied when this worker may not run.
  const lease = await warden.start({ deviceId, labels: { role: 'example-worker' }, maxStalenessMs: 5000 });
  console.log(`[${deviceId}] allowed to work; watching for revocation`);
  lease.signal.addEventListener('abort', () => console.log(`[${deviceId}] permission withdrawn: ${String(lease.signal.reason)}`));

  try {
    for (let task = 1; !lease.signal.aborted; task++) {
      // Per task: validate before starting the unit of work.
      await lease.guard(async (signal) => {
        const result = await compute(task, signal);
        // Before a side effect: validate again, so a revoke that landed mid-task stops the write.
        await lease.guard(async () => console.log(`[${deviceId}] task ${task}: wrote result ${result}`));
      });
    }
  } catch (error) {
    if (!(error instanceof ExecutionDenied)) throw error;
    console.log(`[${deviceId}] stopped: ${error.code}`);
  } finally {
    await lease.close();
  }
}

/** Stand-in for real work: it honours the lease's signal, so a revoke interrupts it. */
function compute(task: number, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(task * task), 500);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

main().catch((error: unknown) => {
  console.error(`[${deviceId}] refused to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
