import { WardenClient } from '@warden/sdk';

/**
 * A runtime in its own process, for tests that kill it: starts a lease for DEVICE_ID (watching
 * over WATCH: nats or sse) with WARDEN_URL, WARDEN_ORG_KEY and NATS_URL, prints
 * `lease started <deviceId>`, then works until killed, printing `stopped <code>` if denied.
 */
async function main(): Promise<void> {
  const deviceId = process.env.DEVICE_ID!;
  const client = WardenClient.fromEnv();
  const lease = await client.start({ deviceId, watch: process.env.WATCH === 'nats' ? 'nats' : 'sse' });
  console.log(`lease started ${deviceId}`);
  lease.signal.addEventListener('abort', () => console.log(`stopped ${String((lease.signal.reason as { code?: string })?.code)}`));
  setInterval(() => undefined, 1 << 30);
}

main().catch((error: unknown) => {
  console.error(`lease failed: ${String(error)}`);
  process.exit(1);
});
