import { checkInvariants, replayLedger, type OrgStateAt } from '@warden/audit';
import { deviceSubject } from '@warden/broadcast';
import { answeredDecision, checkAcknowledged, eventOfCommand } from './acknowledged-checks';
import { ChaosRig } from './chaos-rig';
import { CHAOS_FULL, CHAOS_SEED } from './chaos-settings';
import { crashReport, unexpectedFailures } from './crash-report';
import { runCrashScenario, type CrashRun } from './crash-scenario';
import { seededRandom } from './exchange-log';
import { duplicatedDecisionIds } from './ledger-facts';
import { PermissionTap } from './permission-tap';

const CRASHES = CHAOS_FULL ? 24 : 5;

/**
 * Guarantees 1.4 and 1.7 under crashes: the real control-plane process (npm start, SQLite,
 * NATS push) takes a mixed load from several orgs and is killed with SIGKILL at random
 * moments, then started again on the same data dir. Every request and answer is kept on the
 * client side and held against the ledger the process leaves behind.
 */
describe(`crash recovery: SIGKILL under mixed load, ${CRASHES} times (seed ${CHAOS_SEED})`, () => {
  let rig: ChaosRig | undefined;
  let tap: PermissionTap | undefined;
  let run: CrashRun;

  beforeAll(async () => {
    rig = await ChaosRig.create();
    tap = await PermissionTap.open(rig.nats.url);
    const started = performance.now();
    run = await runCrashScenario(rig, tap, {
      crashes: CRASHES,
      orgs: CHAOS_FULL ? 5 : 3,
      devicesPerOrg: 6,
      workers: 8,
      answersBeforeKill: CHAOS_FULL ? { min: 40, max: 400 } : { min: 30, max: 200 },
      finalExchanges: CHAOS_FULL ? 400 : 150,
      random: seededRandom(CHAOS_SEED),
    });
    process.stdout.write(crashReport(run, rig, CHAOS_SEED, performance.now() - started, tap.messages.length));
  }, (CHAOS_FULL ? 900 : 300) * 1000);

  afterAll(async () => {
    await run?.facts.ledger.close();
    await tap?.close();
    await rig?.dispose();
  }, 60_000);

  it(`was killed ${CRASHES} times and came back each time, with no error the kills do not explain`, () => {
    expect(run.killedAt).toHaveLength(CRASHES);
    expect(rig!.starts).toBe(CRASHES + 1);
    expect(unexpectedFailures(run)).toEqual([]);
    expect(run.log.answered().filter((exchange) => exchange.status! >= 500)).toEqual([]);
  });

  it('has every acknowledged command in the ledger', async () => {
    const commands = run.log.acknowledged().filter((exchange) => exchange.kind !== 'validate' && exchange.kind !== 'heartbeat');
    expect(commands.length).toBeGreaterThan(CRASHES * 5);
    const problems: string[] = [];
    for (const exchange of commands) {
      const problem = await checkAcknowledged(run.facts, exchange);
      if (problem) problems.push(problem);
    }
    expect(problems).toEqual([]);
  });

  it('has the decision record of every allowed answer', () => {
    const records = new Map(run.facts.decisions.map((record) => [record.data.decisionId, record.data]));
    const allowed = [...run.log.acknowledged('validate'), ...run.log.acknowledged('heartbeat')].filter((exchange) => exchange.answer.allowed === true);
    expect(allowed.length).toBeGreaterThan(0);
    const missing = allowed.filter((exchange) => {
      const record = records.get(exchange.answer.request_id);
      return !record || !record.allowed || record.code !== 'ALLOW' || record.deviceId !== exchange.deviceId || record.orgId !== exchange.orgId;
    });
    expect(missing).toEqual([]);
  });

  it('has the record of every other answered decision too (denials, refused registrations), with the same verdict, and never answered LEDGER_UNAVAILABLE', () => {
    const records = new Map(run.facts.decisions.map((record) => [record.data.decisionId, record.data]));
    const decided = run.log.answered().flatMap((exchange) => {
      const decision = answeredDecision(exchange);
      return decision ? [{ exchange, decision }] : [];
    });
    expect(decided.filter(({ decision }) => decision.code === 'LEDGER_UNAVAILABLE')).toEqual([]);
    const mismatched = decided.filter(({ decision }) => {
      const record = records.get(decision.decisionId);
      return !record || record.allowed !== decision.allowed || (decision.code !== undefined && record.code !== decision.code);
    });
    expect(mismatched.map(({ exchange }) => exchange)).toEqual([]);
  });

  it('records no decision twice', () => {
    expect(run.facts.decisions.length).toBeGreaterThan(0);
    expect(duplicatedDecisionIds(run.facts.decisions)).toEqual({});
  });

  it('never let an org exceed its cap, nor allowed what the ledger denies (audit invariants)', async () => {
    const report = await checkInvariants(run.facts.ledger);
    expect(report.decisions).toBe(run.facts.decisions.length);
    expect(report.orgs).toBe(run.orgs.length);
    expect(report.chainBreaks).toEqual([]);
    expect(report.breaches).toEqual([]);
  });

  it('answers after the last restart from the state a fresh replay of the ledger computes', async () => {
    const replay = await replayLedger(run.facts.ledger);
    expect({ mismatches: replay.mismatches, chainBreaks: replay.chainBreaks, malformed: replay.malformed }).toEqual({
      mismatches: [],
      chainBreaks: [],
      malformed: [],
    });
    for (const org of run.orgs) {
      const served = run.view.orgs.get(org.orgId)!;
      const replayed = await run.facts.stateAt(org.orgId, run.view.position);
      expect(served.list.devices.map(listedDevice)).toEqual(replayed.devices.map(replayedDevice));
      expect(usageOf(served.usage)).toEqual(replayedUsage(replayed));
      const codes = served.validations.map((exchange) => [exchange.deviceId, exchange.answer?.code]);
      expect(codes).toEqual(org.devices.map((deviceId) => [deviceId, replayed.devices.find((device) => device.deviceId === deviceId)?.code ?? 'DEVICE_NOT_REGISTERED']));
    }
  });

  it('published every acknowledged revoke over NATS, and JetStream holds every device’s current permission', async () => {
    const revokes = run.log.acknowledged('revoke').filter((exchange) => exchange.answer.result === 'revoked');
    expect(revokes.length).toBeGreaterThan(0);
    const unpublished = revokes.filter((exchange) => {
      const event = eventOfCommand(run.facts, exchange, 'DeviceRevoked');
      return !tap!.messages.some((message) => message.eventId === event?.eventId && message.deviceId === exchange.deviceId && message.code === 'DEVICE_REVOKED');
    });
    expect(unpublished).toEqual([]);
    const ledgerRevokes = [...run.facts.orgEvents.values()].flat().filter((event) => event.type === 'DeviceRevoked');
    expect(ledgerRevokes.filter((event) => !tap!.messages.some((message) => message.eventId === event.eventId))).toEqual([]);
    for (const org of run.orgs) {
      const replayed = await run.facts.stateAt(org.orgId, run.view.position);
      for (const device of replayed.devices) {
        const stored = run.view.storedPermissions.get(deviceSubject(org.orgId, device.deviceId));
        expect({ deviceId: device.deviceId, allowed: stored?.allowed, code: stored?.code }).toEqual({ deviceId: device.deviceId, allowed: device.allowed, code: device.code });
      }
    }
  });
});

function listedDevice(device: any) {
  return { deviceId: device.deviceId, status: device.status, allowed: device.allowed, code: device.code, registeredAt: device.registeredAt };
}

function replayedDevice(device: OrgStateAt['devices'][number]) {
  return { deviceId: device.deviceId, status: device.status, allowed: device.allowed, code: device.code, registeredAt: device.registeredAt };
}

function usageOf(usage: any) {
  return { planTier: usage.planTier, planState: usage.planState, limit: usage.limit, devicesUsed: usage.devicesUsed };
}

function replayedUsage(state: OrgStateAt) {
  const devicesUsed = state.devices.filter((device) => device.status === 'active').length;
  return { planTier: state.planTier, planState: state.suspended ? 'suspended' : 'active', limit: state.limit, devicesUsed };
}
