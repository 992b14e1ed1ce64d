import { Lease, type WatchTransport } from './lease';
import { LeaseHeartbeat } from './lease-heartbeat';
import { watchOverNats, type NatsWatch } from './nats-permission-watch';
import { PermissionGate, type PermissionWatch } from './permission-gate';
import { parsePosition, type PermissionUpdate } from './permission-messages';
import { ExecutionDenied, LeaseClosed, SdkDenialCode, WardenConfigError, WardenProtocolError } from './sdk.errors';
import { watchOverSse } from './sse-permission-watch';
import type { DeviceLabels, RegisterResponse, ValidateResponse } from './warden-api.types';
import type { PermissionAck, WardenClient } from './warden-client';

/** Options of {@link startLease}. */
export interface LeaseOptions {
  readonly deviceId: string;
  readonly labels?: DeviceLabels;
  /** NATS server(s) to watch; default the client's (`NATS_URL`). */
  readonly natsUrl?: string;
  /** Longest silence (no permission message, no heartbeat) tolerated before failing closed; default 15000 ms. */
  readonly maxStalenessMs?: number;
  /** `auto` (default): NATS when a NATS URL is known, else SSE. */
  readonly watch?: 'nats' | 'sse' | 'auto';
}

/** Default of `maxStalenessMs`. */
export const DEFAULT_MAX_STALENESS_MS = 15_000;

const REFUSAL_CODES: Readonly<Record<string, string>> = {
  limit_reached: 'LIMIT_EXCEEDED',
  revoked: 'DEVICE_REVOKED',
  suspended: 'ORG_SUSPENDED',
};

/**
 * Register. Validate. Work. Registers the device, validates it, and starts watching its
 * permission (and heartbeating, when its org has leases on); answers a {@link Lease} only
 * when all of that succeeded. Startup enforcement is
 * absolute: a refusal or a deny throws {@link ExecutionDenied} with the code, an unreachable
 * control plane or NATS throws `WardenUnavailableError`, an error answer `WardenApiError`.
 * Nothing is retried into a degraded mode.
 */
export async function startLease(client: WardenClient, options: LeaseOptions): Promise<Lease> {
  const maxStalenessMs = options.maxStalenessMs ?? DEFAULT_MAX_STALENESS_MS;
  if (!Number.isFinite(maxStalenessMs) || maxStalenessMs <= 0) {
    throw new WardenConfigError('invalid_staleness', `maxStalenessMs must be a positive number, got ${maxStalenessMs}`);
  }
  const natsUrl = options.natsUrl ?? client.natsUrl;
  const transport = chooseTransport(options.watch ?? 'auto', natsUrl);
  const { deviceId } = options;

  const verdict = await admit(client, deviceId, options.labels);
  const orgId = typeof verdict.orgId === 'string' && verdict.orgId !== '' ? verdict.orgId : undefined;
  if (transport === 'nats' && orgId === undefined) {
    throw new WardenProtocolError('missing_org_id', 'the validate answer has no orgId: the NATS permission subjects cannot be built (use watch: "sse")');
  }
  // Messages at or before the position the allow was decided at are already reflected in it.
  // Acks go by the watch's own transport: over NATS once its watch is open, over HTTP otherwise.
  let natsWatch: NatsWatch | undefined;
  const acknowledge = (update: PermissionUpdate, receivedAt: Date, stoppedAt: Date | undefined) => {
    const ack = { deviceId, position: update.position, receivedAt: receivedAt.toISOString(), ...(stoppedAt ? { stoppedAt: stoppedAt.toISOString() } : {}), transport };
    if (natsWatch) sendAckOverNats(natsWatch, client, ack);
    else sendAck(client, ack);
  };
  const gate = new PermissionGate({ deviceId, orgId }, maxStalenessMs, parsePosition(verdict.position) ?? -1n, acknowledge);
  gate.start();
  let watch: PermissionWatch;
  try {
    if (transport === 'nats') watch = natsWatch = await watchOverNats({ natsUrl: natsUrl!, orgId: orgId!, deviceId, maxStalenessMs, sink: gate });
    else watch = await watchOverSse({ client, deviceId, maxStalenessMs, sink: gate });
  } catch (error) {
    gate.end(new LeaseClosed());
    throw error;
  }
  const heartbeat = new LeaseHeartbeat(client, deviceId, (denied) => gate.end(denied));
  const lease = new Lease({ client, deviceId, orgId, transport, gate, watch, heartbeat });
  // Leases on: the validate answer carries the org's TTL; heartbeats go at a third of it.
  if (!lease.reason) heartbeat.setTtl(verdict.leaseTtlSeconds);
  const early = lease.reason;
  if (early) {
    await lease.close();
    throw early;
  }
  return lease;
}

function chooseTransport(mode: 'nats' | 'sse' | 'auto', natsUrl: string | undefined): WatchTransport {
  if (mode === 'sse') return 'sse';
  if (mode === 'nats' && !natsUrl) throw new WardenConfigError('missing_nats_url', 'watch: "nats" needs natsUrl (or NATS_URL)');
  return natsUrl ? 'nats' : 'sse';
}

/** Register, then validate: answers the allowing verdict or throws. */
async function admit(client: WardenClient, deviceId: string, labels: DeviceLabels | undefined): Promise<ValidateResponse> {
  const registration = await client.register(deviceId, labels);
  if (registration.status !== 'ok' && registration.status !== 'exists') {
    throw new ExecutionDenied(refusalCode(registration), `registration of ${deviceId} refused: ${describe(registration)}`);
  }
  const verdict = await client.validate(deviceId);
  if (verdict.allowed !== true) {
    const code = typeof verdict.code === 'string' && verdict.code !== '' ? verdict.code : 'DENIED';
    throw new ExecutionDenied(code, `device ${deviceId} is not allowed to work: ${code}`);
  }
  return verdict;
}

function refusalCode(registration: RegisterResponse): string {
  return REFUSAL_CODES[String(registration.status)] ?? SdkDenialCode.RegistrationRefused;
}

function describe(registration: RegisterResponse): string {
  const error = typeof registration.error === 'string' ? ` (${registration.error})` : '';
  return `${String(registration.status)}${error}`;
}

/** Fire and forget with one retry: proof of propagation is best effort and never holds up the lease. */
function sendAck(client: WardenClient, ack: PermissionAck): void {
  client.acknowledge(ack).then(
    () => undefined,
    () => client.acknowledge(ack).then(() => undefined, () => undefined),
  );
}

/** Over NATS, with one retry over HTTP when NATS did not answer (or answered a server error). */
function sendAckOverNats(watch: NatsWatch, client: WardenClient, ack: PermissionAck): void {
  watch.acknowledge(client.natsAckPayload(ack)).then(
    () => undefined,
    () => client.acknowledge(ack).then(() => undefined, () => undefined),
  );
}
