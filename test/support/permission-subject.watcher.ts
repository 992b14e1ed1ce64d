import { PERMISSION_STREAM, type PermissionMessage } from '@warden/broadcast';
import { DeliverPolicy, type Consumer, type NatsConnection } from 'nats';

/**
 * Follows one permission subject in JetStream the way a reconnecting runtime does: the last
 * stored message first, then live ones. `until` awaits a message matching a predicate.
 */
export class PermissionSubjectWatcher {
  private constructor(private readonly consumer: Consumer) {}

  static async open(nc: NatsConnection, subject: string): Promise<PermissionSubjectWatcher> {
    const consumer = await nc.jetstream().consumers.get(PERMISSION_STREAM, { filterSubjects: subject, deliver_policy: DeliverPolicy.LastPerSubject });
    return new PermissionSubjectWatcher(consumer);
  }

  /** The next message on the subject (waits as long as the test's own timeout allows). */
  async next(): Promise<PermissionMessage> {
    for (;;) {
      const message = await this.consumer.next({ expires: 30_000 });
      if (message) return message.json<PermissionMessage>();
    }
  }

  async until(matches: (message: PermissionMessage) => boolean): Promise<PermissionMessage> {
    for (;;) {
      const message = await this.next();
      if (matches(message)) return message;
    }
  }

  async close(): Promise<void> {
    await this.consumer.delete().catch(() => undefined);
  }
}
