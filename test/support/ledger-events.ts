import { orgStream, type EventLedger, type RecordedEvent } from '@warden/ledger';

/**
 * Resolves with the first event of the org's stream (from its start, then live) that
 * matches: a signal to await instead of polling. The subscription is closed once it matched.
 */
export function orgEvent(ledger: EventLedger, orgId: string, matches: (event: RecordedEvent) => boolean): Promise<RecordedEvent> {
  return new Promise((resolve, reject) => {
    let found: RecordedEvent | undefined;
    const subscription = ledger.subscribe({ streamPrefixes: [orgStream(orgId)] }, (event) => {
      if (found || event.streamId !== orgStream(orgId) || !matches(event)) return;
      found = event;
      resolve(event);
      void Promise.resolve().then(() => subscription.close());
    });
    subscription.done.catch(reject);
  });
}

/** The DeviceLeaseExpired event of a device, once it is in the ledger. */
export function leaseExpired(ledger: EventLedger, orgId: string, deviceId: string): Promise<RecordedEvent> {
  return orgEvent(ledger, orgId, (event) => event.type === 'DeviceLeaseExpired' && (event.data as { deviceId: string }).deviceId === deviceId);
}

/** Every DeviceLeaseExpired event of the org, in order. */
export async function leaseExpiries(ledger: EventLedger, orgId: string): Promise<RecordedEvent[]> {
  return (await ledger.readStream(orgStream(orgId))).filter((event) => event.type === 'DeviceLeaseExpired');
}

/** Resolves at `atMs` (epoch ms): for waiting on the passage of time itself (a lease's TTL), never for an event. */
export function until(atMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, atMs - Date.now())));
}
