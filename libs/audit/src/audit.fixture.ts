import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { PlanTier } from '@warden/domain';
import { DecisionRecorder, FixedClock, OrgCommandService, RandomIdSource, RegistrationService, ValidationService } from '@warden/enforcement';
import { acksStream, decisionsStream, orgStream, SqliteEventLedger } from '@warden/ledger';
import { PermissionProjection, ProjectionRunner, type KeyPrincipal } from '@warden/projection';

/**
 * Test fixture: the real application layer (commands, validation, registration, decision
 * recorder, projection) on a SQLite ledger in a fresh directory, plus a second raw
 * connection for tampering with the file. Times advance one second per command.
 */
export async function auditFixture() {
  const dir = mkdtempSync(join(tmpdir(), 'warden-audit-'));
  const path = join(dir, 'ledger.sqlite');
  const ledger = await SqliteEventLedger.open({ path });
  const projection = new PermissionProjection();
  const runner = new ProjectionRunner(ledger, projection);
  await runner.start();
  let tick = 0;
  const time = (n: number) => new Date(Date.UTC(2030, 0, 1) + n * 1000).toISOString();
  const clock = new FixedClock(time(0));
  const next = (): string => {
    const at = time(++tick);
    clock.set(at);
    return at;
  };
  const recorder = new DecisionRecorder(ledger, decisionsStream('node-a'));
  const ackRecorder = new DecisionRecorder(ledger, acksStream('node-a'));
  const commands = new OrgCommandService(ledger, projection, new RandomIdSource());
  const validation = new ValidationService(projection, recorder, clock);
  const registration = new RegistrationService(commands, validation, clock);
  const principal = (orgId: string): KeyPrincipal => ({ orgId, keyId: 'k', scope: 'admin' });
  let requests = 0;
  const run = (type: string, orgId: string, data: object) =>
    commands.execute({ type, orgId, at: next(), actor: 'admin', data } as never, { correlationId: `c${++requests}` });
  return {
    path,
    ledger,
    /** The `at` of the last command or decision. */
    now: () => time(tick),
    createOrg: (orgId: string, limit = 3) =>
      run('CreateOrg', orgId, { name: orgId, planTier: 'custom', limit, adminKey: { keyId: 'k', keyHash: 'a'.repeat(64) } }),
    register: (orgId: string, deviceId: string, labels: Record<string, string> = {}) => {
      next();
      return registration.register(principal(orgId), deviceId, labels, `r${++requests}`);
    },
    validate: async (orgId: string, deviceId: string) => {
      next();
      return (await validation.validate(principal(orgId), deviceId, `v${++requests}`)).verdict;
    },
    revoke: (orgId: string, deviceId: string) => run('RevokeDevices', orgId, { deviceIds: [deviceId], reason: 'test' }),
    restore: (orgId: string, deviceId: string) => run('RestoreDevices', orgId, { deviceIds: [deviceId] }),
    remove: (orgId: string, deviceId: string) => run('RemoveDevices', orgId, { deviceIds: [deviceId] }),
    suspend: (orgId: string) => run('SuspendOrg', orgId, { reason: 'test' }),
    resume: (orgId: string) => run('ResumeOrg', orgId, {}),
    setLimit: (orgId: string, limit: number, planTier: PlanTier = 'custom') => run('SetDeviceLimit', orgId, { limit, planTier }),
    leases: (orgId: string, leaseTtlSeconds: number | null) => run('SetLeasePolicy', orgId, { leaseTtlSeconds }),
    expire: (orgId: string, deviceId: string, lastSeenAt: string) => run('ExpireLeases', orgId, { devices: [{ deviceId, lastSeenAt }] }),
    lock: (orgId: string, lockId: string, labels: Record<string, string>) =>
      run('PlaceLock', orgId, { lockId, selector: { labels }, reason: 'test', expiresAt: null }),
    /**
     * Records an ack as AckService does (acks-node-a), but without asking whether the change
     * at `position` touched the device: tests craft good and bad acks with it.
     */
    ack: (orgId: string, deviceId: string, position: bigint | string, actor = 'k') => {
      const at = next();
      const eventId = `a${++requests}`;
      const data = { orgId, deviceId, position: position.toString(), receivedAt: at, stoppedAt: at, transport: 'sse', recordedAt: at };
      return ackRecorder.recordEvent({ eventId, type: 'PermissionAcknowledged', data, metadata: { actor, correlationId: eventId } });
    },
    /** Moves the fixture's clock `seconds` ahead (the next command or decision is one second later still). */
    advance(seconds: number): void {
      tick += seconds;
    },
    orgStream,
    /** Runs one statement on a second connection to the file. */
    tamper(sql: string, ...params: unknown[]): void {
      const db = new Database(path);
      try {
        db.prepare(sql).run(...params);
      } finally {
        db.close();
      }
    },
    async dispose(): Promise<void> {
      await recorder.flush();
      await ackRecorder.flush();
      await runner.stop();
      await ledger.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The fixture returned by {@link auditFixture}. */
export type AuditFixture = Awaited<ReturnType<typeof auditFixture>>;

/** A ledger produced by normal use of every command, with decisions throughout. */
export async function normalUse(f: AuditFixture): Promise<void> {
  await f.createOrg('acme', 3);
  await f.createOrg('beta', 1);
  for (const id of ['d1', 'd2', 'd3']) await f.register('acme', id);
  await f.register('acme', 'd4');
  await f.validate('acme', 'd1');
  await f.validate('acme', 'ghost');
  await f.revoke('acme', 'd2');
  await f.validate('acme', 'd2');
  await f.register('acme', 'd2');
  await f.register('acme', 'd4');
  await f.restore('acme', 'd4');
  await f.suspend('acme');
  await f.validate('acme', 'd1');
  await f.register('acme', 'd5');
  await f.resume('acme');
  await f.setLimit('acme', 1);
  await f.validate('acme', 'd1');
  await f.validate('acme', 'd3');
  await f.setLimit('acme', 5);
  await f.validate('acme', 'd3');
  await f.remove('acme', 'd1');
  await f.validate('acme', 'd1');
  await f.register('beta', 'b1');
  await f.register('beta', 'b2');
  await f.validate('beta', 'b1');
  await f.validate('ghost-org', 'x');
}
