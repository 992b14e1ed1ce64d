import { decisionsStream, InMemoryEventLedger, type EventLedger } from '@warden/ledger';
import { PermissionProjection, ProjectionRunner, type KeyPrincipal } from '@warden/projection';
import { FixedClock } from '../clock.port';
import { stampCommand } from '../command-stamp';
import { DecisionRecorder } from '../decision-recorder';
import { RandomIdSource } from '../id-source.port';
import { OrgCommandService } from '../org-command.service';
import { ValidationService } from '../validation.service';
import { HeartbeatService } from './heartbeat.service';
import { LeaseExpirer, type LeaseExpirerOptions } from './lease-expirer';
import { LivenessFeed } from './liveness-feed';
import { LivenessTracker } from './liveness-tracker';

export const T0 = Date.parse('2030-01-01T00:00:00.000Z');

/**
 * One node of the lease machinery on a ledger (shared by several nodes to play replicas), with
 * a fixed clock the test moves by hand. The expirer's timer is never started: tests run passes.
 */
export async function leaseNode(ledger: EventLedger = new InMemoryEventLedger(), nodeId = 'node-a', expirerOptions: Partial<LeaseExpirerOptions> = {}) {
  const projection = new PermissionProjection();
  const runner = new ProjectionRunner(ledger, projection);
  await runner.start();
  const ids = new RandomIdSource();
  const clock = new FixedClock(new Date(T0).toISOString());
  const tracker = new LivenessTracker();
  const commands = new OrgCommandService(ledger, projection, ids);
  const validation = new ValidationService(projection, new DecisionRecorder(ledger, decisionsStream(nodeId)), clock, undefined, tracker);
  const feed = new LivenessFeed(ledger, projection, tracker, clock, decisionsStream(nodeId));
  await feed.start();
  const errors: unknown[] = [];
  const expirer = new LeaseExpirer(tracker, feed, commands, clock, ids, expirerOptions, (error) => errors.push(error));
  const heartbeats = new HeartbeatService(validation, tracker);

  const principal = (orgId: string): KeyPrincipal => ({ orgId, keyId: 'k', scope: 'admin' });
  const run = (orgId: string, command: Parameters<typeof stampCommand>[0]) =>
    commands.execute(stampCommand(command, principal(orgId), clock), { correlationId: ids.uuid() });

  return {
    ledger,
    projection,
    clock,
    tracker,
    feed,
    expirer,
    validation,
    heartbeats,
    errors,
    principal,
    run,
    /** Creates an org (cap 5000) with leases on at `ttlSeconds`. */
    async createOrg(orgId: string, ttlSeconds: number | null) {
      await commands.execute(
        {
          type: 'CreateOrg',
          orgId,
          at: clock.now(),
          actor: 'admin',
          data: { name: orgId, planTier: 'custom', limit: 5000, adminKey: { keyId: 'k', keyHash: 'a'.repeat(64) } },
        },
        { correlationId: 'c' },
      );
      if (ttlSeconds !== null) await run(orgId, { type: 'SetLeasePolicy', data: { leaseTtlSeconds: ttlSeconds } });
      return principal(orgId);
    },
    register: (orgId: string, deviceId: string) => run(orgId, { type: 'RegisterDevice', data: { deviceId, labels: {} } }),
    /** Moves the clock forward. */
    advance(ms: number) {
      clock.set(new Date(Date.parse(clock.now()) + ms).toISOString());
    },
    async stop() {
      await expirer.stop();
      await feed.stop();
      await runner.stop();
    },
  };
}

export type LeaseNode = Awaited<ReturnType<typeof leaseNode>>;
