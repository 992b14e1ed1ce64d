import { connect, Events, type JetStreamManager, type NatsConnection, type NatsError } from 'nats';
import { ackSubject, deviceSubject, HEARTBEAT_SUBJECT, orgSubject, PERMISSION_STREAM } from './permission-contract';
import { backoffDelay, backoffForOutage } from './backoff';
import type { PermissionWatch, WatchSink } from './permission-gate';
import { isHeartbeat, parseJsonPayload, toPermissionUpdate } from './permission-messages';
import { WardenUnavailableError } from './sdk.errors';

/** JetStream API error code: the stream holds no message on that subject. */
const NO_MESSAGE_FOUND = 10037;

/** What a NATS watch needs. */
export interface NatsWatchOptions {
  /** Server URL(s), comma-separated. */
  readonly natsUrl: string;
  readonly orgId: string;
  readonly deviceId: string;
  /** Paces pings and the re-read of the stored state. */
  readonly maxStalenessMs: number;
  readonly sink: WatchSink;
}

/** A NATS watch also carries the lease's acks, on the connection it already has. */
export interface NatsWatch extends PermissionWatch {
  /**
   * Requests `warden.ack.<org token>` with `payload` (see WardenClient.natsAckPayload); resolves
   * once the control plane answered (a refusal included: retrying would not change it), rejects
   * when it did not answer in time or answered a server error, so the caller may retry.
   */
  acknowledge(payload: string): Promise<void>;
}

/** How long an ack over NATS waits for its answer. */
const ACK_TIMEOUT_MS = 5000;

/**
 * Watches one device's permission over NATS: one connection that reconnects forever (backoff
 * with jitter), core subscriptions to the device's and the org's permission subjects (live
 * changes, as the relay publishes them into the stream) and to the control-plane heartbeat,
 * and reads of the last message the stream keeps for each subject: once the subscriptions are
 * in place (so nothing falls between the two), after every reconnect (so a change stored while
 * the connection was down is acted on), and every `maxStalenessMs` (so a live message lost on a
 * broken cluster route is caught up within that bound). Positions make the overlap harmless.
 * Stored messages are state, not liveness: only live messages and heartbeats count as hearing
 * from the control plane.
 */
export async function watchOverNats(options: NatsWatchOptions): Promise<NatsWatch> {
  let outageSince: number | undefined;
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: options.natsUrl.split(',').map((url) => url.trim()),
      name: `warden-sdk ${options.deviceId}`,
      maxReconnectAttempts: -1,
      // nats.js asks for a delay more often than it dials, so the backoff follows the outage's age.
      reconnectDelayHandler: () => backoffForOutage(Date.now() - (outageSince ??= Date.now())),
      pingInterval: Math.max(1000, Math.floor(options.maxStalenessMs / 3)),
      maxPingOut: 2,
    });
  } catch (error) {
    throw new WardenUnavailableError(`cannot connect to NATS at ${options.natsUrl}: ${messageOf(error)}`, { cause: error });
  }
  try {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.info(PERMISSION_STREAM);
    const watch = new NatsPermissionWatch(nc, jsm, options);
    await watch.open(() => (outageSince = undefined));
    return watch;
  } catch (error) {
    await nc.close().catch(() => undefined);
    throw new WardenUnavailableError(`cannot watch ${PERMISSION_STREAM} on NATS at ${options.natsUrl}: ${messageOf(error)}`, { cause: error });
  }
}

class NatsPermissionWatch implements NatsWatch {
  private readonly subjects: readonly string[];
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<boolean> | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly options: NatsWatchOptions,
  ) {
    this.subjects = [deviceSubject(options.orgId, options.deviceId), orgSubject(options.orgId)];
  }

  async open(onReconnect: () => void): Promise<void> {
    const { sink } = this.options;
    this.nc.subscribe(HEARTBEAT_SUBJECT, {
      callback: (error, msg) => {
        if (!error && isHeartbeat(parseJsonPayload(msg.data))) sink.alive();
      },
    });
    for (const subject of this.subjects) {
      this.nc.subscribe(subject, { callback: (error, msg) => !error && this.deliver(msg.data, true) });
    }
    // Subscriptions are registered before the stored state is read: a change is seen either way.
    await this.nc.flush();
    if (!(await this.readStoredState())) void this.catchUp();
    void this.followStatus(onReconnect);
    this.timer = setInterval(() => void this.readStoredState(), this.options.maxStalenessMs);
    this.timer.unref();
  }

  async acknowledge(payload: string): Promise<void> {
    const reply = await this.nc.request(ackSubject(this.options.orgId), payload, { timeout: ACK_TIMEOUT_MS });
    const answer = parseJsonPayload(reply.data) as { httpStatus?: unknown } | undefined;
    if (typeof answer?.httpStatus === 'number' && answer.httpStatus >= 500) throw new WardenUnavailableError(`the ack was not recorded (HTTP status ${answer.httpStatus})`);
  }

  close(): Promise<void> {
    clearInterval(this.timer);
    this.closing ??= this.nc.close().catch(() => undefined);
    return this.closing;
  }

  private deliver(data: Uint8Array, live: boolean): void {
    const update = toPermissionUpdate(parseJsonPayload(data));
    if (!update) return;
    if (live) this.options.sink.alive();
    this.options.sink.permission(update);
  }

  private async followStatus(onReconnect: () => void): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type !== Events.Reconnect) continue;
      onReconnect();
      void this.catchUp();
    }
  }

  /** After a reconnect JetStream may answer a moment after the server does: read until both subjects answered. */
  private async catchUp(): Promise<void> {
    for (let attempt = 0; !this.closing && !this.nc.isClosed(); attempt++) {
      if (await this.readStoredState()) return;
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt)).unref());
    }
  }

  /**
   * Acts on the last stored message of each subject; true when both subjects answered (a
   * message, or none stored yet). A failed read is retried by the caller or the next period.
   */
  private readStoredState(): Promise<boolean> {
    this.reading ??= Promise.all(this.subjects.map((subject) => this.readLast(subject))).then((answered) => {
      this.reading = undefined;
      return answered.every(Boolean);
    });
    return this.reading;
  }

  private async readLast(subject: string): Promise<boolean> {
    try {
      const stored = await this.jsm.streams.getMessage(PERMISSION_STREAM, { last_by_subj: subject });
      this.deliver(stored.data, false);
      return true;
    } catch (error) {
      return (error as NatsError).api_error?.err_code === NO_MESSAGE_FOUND;
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
