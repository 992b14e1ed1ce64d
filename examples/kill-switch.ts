/**
 * The kill-switch demo: a runaway loop that burns CPU until warden says stop. Revoke it (or
 * suspend its org) from another shell and it halts within milliseconds of the push:
 *
 *   WARDEN_URL=http://127.0.0.1:8080 WARDEN_ORG_KEY=org_... npm run example:kill-switch
 *   curl -s -X POST $WARDEN/api/v1/devices/revoke -H "x-org-key: $ORG_KEY" \
 *     -H 'content-type: application/json' -d '{"deviceId":"runaway-1"}'
 */
import { WardenClient } from '@warden/sdk';

const deviceId = process.env.WORKER_ID ?? 'runaway-1';

async function main(): Promise<void> {
  const lease = await WardenClient.fromEnv().start({ deviceId, maxStalenessMs: 5000 });
  let abortedAt = 0;
  lease.signal.addEventListener('abort', () => (abortedAt = performance.now()));
  console.log(`[${deviceId}] running away... revoke me to stop`);

  let iterations = 0;
  while (!lease.signal.aborted) {
    // A slice of busy work, then yield so the push can be heard.
    const until = performance.now() + 5;
    while (performance.now() < until) iterations++;
    await new Promise((resolve) => setImmediate(resolve));
  }
  const stoppedAt = performance.now();
  console.log(
    `[${deviceId}] STOPPED (${String(lease.signal.reason)}); loop exited ${(stoppedAt - abortedAt).toFixed(2)} ms after the push, ` +
      `${iterations.toLocaleString()} iterations done`,
  );
  await lease.close();
}

main().catch((error: unknown) => {
  console.error(`[${deviceId}] refused to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
