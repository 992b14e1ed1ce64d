import { InMemoryEventLedger } from '@warden/ledger';
import { PermissionProjection, ProjectionRunner } from '@warden/projection';
import { FaultyEventLedger } from '@warden/testing';
import { FixedClock } from './clock.port';
import { DecisionRecorder } from './decision-recorder';
import { RandomIdSource } from './id-source.port';
import { OrgCommandService } from './org-command.service';
import { RegistrationService } from './registration.service';
import { ValidationService } from './validation.service';

export const AT = '2030-01-01T00:00:00.000Z';

/** The application layer wired on an in-memory ledger behind a fault-injecting decorator. */
export async function enforcementFixture() {
  const memory = new InMemoryEventLedger();
  const ledger = new FaultyEventLedger(memory);
  const projection = new PermissionProjection();
  const runner = new ProjectionRunner(ledger, projection);
  await runner.start();
  const ids = new RandomIdSource();
  const clock = new FixedClock(AT);
  const recorder = new DecisionRecorder(ledger, 'decisions-test');
  const commands = new OrgCommandService(ledger, projection, ids);
  const validation = new ValidationService(projection, recorder, clock);
  const registration = new RegistrationService(commands, validation, clock);
  const command = { at: AT, actor: 'admin' };
  async function createOrg(orgId: string, limit = 3) {
    await commands.execute(
      { ...command, type: 'CreateOrg', orgId, data: { name: orgId, planTier: 'custom', limit, adminKey: { keyId: 'k', keyHash: 'a'.repeat(64) } } },
      { correlationId: 'c' },
    );
    return { orgId, keyId: 'k', scope: 'admin' as const };
  }
  return {
    memory,
    ledger,
    projection,
    recorder,
    commands,
    validation,
    registration,
    command,
    createOrg,
    stop: () => runner.stop(),
  };
}
