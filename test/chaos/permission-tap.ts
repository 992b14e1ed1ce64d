import { HEARTBEAT_SUBJECT, PERMISSION_SUBJECTS_WILDCARD, type HeartbeatMessage, type PermissionMessage } from '@warden/broadcast';
import { connect, type NatsConnection, type Subscription } from 'nats';

/**
 * Listens to every permission subject (core NATS: it sees each publish, duplicates included,
 * across every life of the control plane, since the nats-server outlives them) and to the
 * heartbeat, whose `position` says how far the relay has published.
 */
export class PermissionTap {
  readonly messages: (PermissionMessage & { subject: string })[] = [];
  private heartbeatWaiters: { position: bigint; resolve: () => void }[] = [];

  private constructor(
    readonly connection: NatsConnection,
    private readonly subscriptions: Subscription[],
  ) {}

  static async open(url: string): Promise<PermissionTap> {
    const connection = await connect({ servers: url, name: 'chaos-permission-tap' });
    const subscriptions: Subscription[] = [];
    const tap = new PermissionTap(connection, subscriptions);
    subscriptions.push(
      connection.subscribe(PERMISSION_SUBJECTS_WILDCARD, {
        callback: (error, message) => {
          if (!error) tap.messages.push({ ...message.json<PermissionMessage>(), subject: message.subject });
        },
      }),
      connection.subscribe(HEARTBEAT_SUBJECT, {
        callback: (error, message) => {
          if (error) return;
          const position = BigInt(message.json<HeartbeatMessage>().position);
          tap.heartbeatWaiters = tap.heartbeatWaiters.filter((waiter) => (position >= waiter.position ? (waiter.resolve(), false) : true));
        },
      }),
    );
    await connection.flush();
    return tap;
  }

  /** Resolves on the first heartbeat saying the relay has handled the ledger up to `position`. */
  relayReached(position: bigint): Promise<void> {
    return new Promise((resolve) => this.heartbeatWaiters.push({ position, resolve }));
  }

  async close(): Promise<void> {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    await this.connection.close();
  }
}
