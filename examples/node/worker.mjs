// @ts-check
/**
 * A worker written the way a user's project uses the published package: it starts only when
 * warden allows it, validates before each task, and stops the moment its device is revoked
 * (or its org suspended). See README.md beside this file.
 *
 *   WARDEN_URL=http://127.0.0.1:8080 WARDEN_ORG_KEY=org_... npm start
 */
import { ExecutionDenied, WardenClient } from '@warden/sdk';

const deviceId = process.env.WORKER_ID ?? 'node-worker-1';

// Register. Validate. Work: start() throws ExecutionDenied when this worker may not run.
const lease = await WardenClient.fromEnv()
  .start({ deviceId, labels: { example: 'node' } })
  .catch((/** @type {unknown} */ error) => {
    console.error(`[${deviceId}] refused to start: ${error instanceof ExecutionDenied ? error.code : String(error)}`);
    process.exit(1);
  });
console.log(`[${deviceId}] allowed to work, watching over ${lease.transport}`);

try {
  for (let task = 1; lease.active; task++) {
    // guard() validates first and never runs the task when the device is denied.
    const result = await lease.guard((signal) => work(task, signal));
    console.log(`[${deviceId}] task ${task} done: ${result}`);
  }
} catch (error) {
  if (!(error instanceof ExecutionDenied)) throw error;
} finally {
  await lease.close();
}
console.log(`[${deviceId}] stopped: ${lease.reason?.code} (${lease.reason?.name})`);

/**
 * Stand-in for a unit of real work. It honours the lease's signal, so a revoke interrupts it.
 * @param {number} task
 * @param {AbortSignal} signal
 * @returns {Promise<number>}
 */
function work(task, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(task * task), 200);
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });
}
