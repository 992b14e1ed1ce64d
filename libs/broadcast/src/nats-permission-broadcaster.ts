import { connect, type JetStreamClient, type NatsConnection, type PubAck } from 'nats';
import { BroadcastUnavailableError } from './broadcast.errors';
import {
  HEARTBEAT_SUBJECT,
  deviceSubject,
  orgSubject,
  permissionMessageId,
  type HeartbeatMessage,
  type PermissionMessage,
} from './permission-contract';
import { PermissionBroadcaster } from './permission-broadcaster.port';
import { NatsConnectionStatus, type NatsConnectionState } from './nats-connection-status';
import {
  DEFAULT_DUPLICATE_WINDOW_MS,
  ensurePermissionStream,
  natsCodeOf,
  permissionStreamConfig,
  toBroadcastError,
} from './nats-permission-stream';

/** Options of {@link NatsPermissionBroadcaster.connect}. */
export interface NatsPermissionBroadcasterOptions {
  /** Connection name shown by the server (default `warden-relay`). */
  readonly name?: string;
  /** How long a publish waits for its JetStream ack (default 5000 ms). */
  readonly publishTimeoutMs?: number;
  /** Pause between reconnect attempts (default 1000 ms). */
  readonly reconnectTimeWaitMs?: number;
  /** Keep trying when the server is unreachable at connect, instead of failing (default false). */
  readonly waitOnFirstConnect?: boolean;
  /** JetStream dedupe window of the permission stream (default 2 minutes). */
  readonly duplicateWindowMs?: number;
  /** Stream replicas when the stream is created (default 1; 3 on a cluster). */
  readonly replicas?: number;
  /** Most publishes awaiting their ack at once (default 1024). */
  readonly maxInFlight?: number;
}

/**
 * PermissionBroadcaster on NATS JetStream: one subject per device and per org on a stream
 * that keeps the last message per subject, message id = event id (+ device) for dedupe.
 * Owns its connection, which reconnects forever; while NATS is away, publishes reject with
 * BroadcastUnavailableError and the relay retries. Also sends the heartbeat (core NATS).
 */
export class NatsPermissionBroadcaster extends PermissionBroadcaster {
  private readonly js: JetStreamClient;
  private readonly connection: NatsConnectionStatus;
  /** Cleared when a publish finds no stream (e.g. a server restarted without its store): the next publish recreates it. */
  private streamReady = true;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly options: NatsPermissionBroadcasterOptions,
  ) {
    super();
    this.js = nc.jetstream({ timeout: options.publishTimeoutMs ?? 5000 });
    this.connection = new NatsConnectionStatus(nc);
  }

  /** Connects, ensures the permission stream exists, and returns the broadcaster. Rejects with BroadcastUnavailableError. */
  static async connect(servers: string | readonly string[], options: NatsPermissionBroadcasterOptions = {}): Promise<NatsPermissionBroadcaster> {
    let nc: NatsConnection;
    try {
      nc = await connect({
        servers: typeof servers === 'string' ? servers : [...servers],
        name: options.name ?? 'warden-relay',
        maxReconnectAttempts: -1,
        reconnectTimeWait: options.reconnectTimeWaitMs ?? 1000,
        waitOnFirstConnect: options.waitOnFirstConnect ?? false,
      });
    } catch (error) {
      throw toBroadcastError(error, 'cannot connect to NATS');
    }
    const broadcaster = new NatsPermissionBroadcaster(nc, options);
    try {
      await broadcaster.ensureStream();
    } catch (error) {
      await nc.close();
      throw error;
    }
    return broadcaster;
  }

  get status(): NatsConnectionState {
    return this.connection.current;
  }

  /** Calls `listener` on every change of the connection state; returns the unsubscribe. */
  onStatusChange(listener: (state: NatsConnectionState) => void): () => void {
    return this.connection.onChange(listener);
  }

  /** Resolves once the connection is in `state` (at once if it already is). */
  waitForStatus(state: NatsConnectionState): Promise<void> {
    return this.connection.waitFor(state);
  }

  /**
   * Publishes every message to its subject with its message id, pipelined: up to
   * `maxInFlight` publishes are started before their acks are awaited. A subject that
   * repeats waits for the acks of the window before it, so one subject is never reordered.
   * Org-level messages go out (and are acked) before the device messages of the same batch:
   * on a suspend, the one message every runtime of the org listens to is not queued behind
   * one message per device.
   */
  async publish(messages: readonly PermissionMessage[]): Promise<void> {
    if (messages.length === 0) return;
    if (!this.streamReady) await this.ensureStream();
    const orgLevel = messages.filter((message) => message.deviceId === null);
    if (orgLevel.length > 0 && orgLevel.length < messages.length) {
      await this.publishPipelined(orgLevel);
      await this.publishPipelined(messages.filter((message) => message.deviceId !== null));
    } else {
      await this.publishPipelined(messages);
    }
  }

  private async publishPipelined(messages: readonly PermissionMessage[]): Promise<void> {
    const maxInFlight = this.options.maxInFlight ?? 1024;
    const subjects = new Set<string>();
    let window: Promise<PubAck>[] = [];
    for (const message of messages) {
      const subject = message.deviceId === null ? orgSubject(message.orgId) : deviceSubject(message.orgId, message.deviceId);
      if (window.length >= maxInFlight || subjects.has(subject)) {
        await this.settle(window);
        window = [];
        subjects.clear();
      }
      subjects.add(subject);
      window.push(this.js.publish(subject, JSON.stringify(message), { msgID: permissionMessageId(message) }));
    }
    await this.settle(window);
  }

  /**
   * Sends one heartbeat on core NATS. Rejects with BroadcastUnavailableError while not
   * connected, rather than letting the client buffer heartbeats that would be stale on arrival.
   */
  async publishHeartbeat(message: HeartbeatMessage): Promise<void> {
    const state = this.connection.current;
    if (state !== 'connected') throw new BroadcastUnavailableError(`NATS is ${state}: heartbeat not sent`);
    try {
      this.nc.publish(HEARTBEAT_SUBJECT, JSON.stringify(message));
    } catch (error) {
      throw toBroadcastError(error, 'cannot publish the heartbeat');
    }
  }

  /** Closes the connection; acked messages are already durable in the stream. */
  async close(): Promise<void> {
    if (this.nc.isClosed()) return;
    await this.nc.close();
  }

  private async ensureStream(): Promise<void> {
    try {
      const config = permissionStreamConfig(this.options.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS, this.options.replicas ?? 1);
      await ensurePermissionStream(await this.nc.jetstreamManager(), config);
      this.streamReady = true;
    } catch (error) {
      throw toBroadcastError(error, 'cannot ensure the permission stream');
    }
  }

  private async settle(acks: readonly Promise<PubAck>[]): Promise<void> {
    const results = await Promise.allSettled(acks);
    for (const result of results) {
      if (result.status === 'fulfilled') continue;
      if (natsCodeOf(result.reason) === '503') this.streamReady = false;
      throw toBroadcastError(result.reason, 'cannot publish permission messages');
    }
  }
}
