import { deviceSubject, PERMISSION_STREAM, type PermissionMessage } from '@warden/broadcast';
import { WardenHttp } from '../support/http-client';
import { ChaosRig, CHAOS_ADMIN_TOKEN, withDeadline } from './chaos-rig';
import { ExchangeLog, type Exchange } from './exchange-log';
import { readLedgerFacts, type LedgerFacts } from './ledger-facts';
import { CRASH_MIX, runMixedLoad, type ChaosOrg } from './mixed-load';
import type { PermissionTap } from './permission-tap';

export interface CrashScenarioOptions {
  readonly crashes: number;
  readonly orgs: number;
  readonly devicesPerOrg: number;
  readonly workers: number;
  /** Each life is killed after a random number of answers in [min, max). */
  readonly answersBeforeKill: { readonly min: number; readonly max: number };
  /** Requests of the last life, which is not killed. */
  readonly finalExchanges: number;
  readonly random: () => number;
}

/** What the control plane said over HTTP in its last life, after the load stopped. */
export interface FinalView {
  /** Projection position the view was taken at (GET /health). */
  readonly position: bigint;
  readonly nodeId: string;
  readonly orgs: Map<string, { readonly list: any; readonly usage: any; readonly validations: Exchange[] }>;
  /** The last stored JetStream message of every device subject of every org (what a reconnecting runtime reads first). */
  readonly storedPermissions: Map<string, PermissionMessage | undefined>;
}

export interface CrashRun {
  readonly log: ExchangeLog;
  readonly orgs: ChaosOrg[];
  /** performance.now() at each SIGKILL. */
  readonly killedAt: number[];
  readonly view: FinalView;
  readonly facts: LedgerFacts;
}

/**
 * Drives mixed load at the control plane, SIGKILLs it after a random number of answers,
 * starts it again on the same data dir, `crashes` times; then lets one last life run its
 * load to the end, reads its state over HTTP, waits for its relay to have published up to
 * that state, stops it gracefully and reads the ledger it left.
 */
export async function runCrashScenario(rig: ChaosRig, tap: PermissionTap, options: CrashScenarioOptions): Promise<CrashRun> {
  const log = new ExchangeLog();
  const killedAt: number[] = [];
  const { random } = options;
  await rig.start();
  const orgs = await createOrgs(rig.process.url, log, options);
  for (let life = 0; life < options.crashes; life++) {
    if (life > 0) await rig.start();
    const killAfter = options.answersBeforeKill.min + Math.floor(random() * (options.answersBeforeKill.max - options.answersBeforeKill.min));
    let crashing: Promise<void> | undefined;
    await runMixedLoad({
      url: rig.process.url,
      life,
      orgs,
      log,
      random,
      workers: options.workers,
      mix: CRASH_MIX, maxCap: 8,
      onExchange: (_exchange, done) => {
        if (crashing || done < killAfter) return false;
        // Killed while the other workers' requests are in flight: whatever they were doing (an
        // append, a group commit, a relay publish, a checkpoint write) is cut short.
        killedAt.push(performance.now());
        crashing = rig.crash();
        return true;
      },
    });
    if (!crashing) throw new Error(`life ${life}: every worker failed before the kill: ${JSON.stringify(log.failed().slice(-3))}`);
    await crashing;
  }
  const life = options.crashes;
  await rig.start();
  await runMixedLoad({ url: rig.process.url, life, orgs, log, random, workers: options.workers, mix: CRASH_MIX, maxCap: 8, maxExchanges: options.finalExchanges });
  const view = await readFinalView(rig, tap, log, orgs, life);
  const code = await rig.stop();
  if (code !== 0) throw new Error(`the last life did not stop cleanly: exit code ${code}`);
  const facts = await readLedgerFacts(await rig.openLedger());
  return { log, orgs, killedAt, view, facts };
}

async function createOrgs(url: string, log: ExchangeLog, options: CrashScenarioOptions): Promise<ChaosOrg[]> {
  const orgs: ChaosOrg[] = [];
  for (let index = 0; index < options.orgs; index++) {
    const created = await log.send(url, 0, 'create', '', CHAOS_ADMIN_TOKEN, { name: `chaos-${index}`, planTier: 'free' });
    if (created.status !== 200) throw new Error(`org/create failed: ${created.status} ${created.error ?? JSON.stringify(created.answer)}`);
    const devices = Array.from({ length: options.devicesPerOrg }, (_, device) => `dev-${index}-${device}`);
    orgs.push({ orgId: created.answer.orgId, orgKey: created.answer.orgApiKey, devices });
  }
  return orgs;
}

async function readFinalView(rig: ChaosRig, tap: PermissionTap, log: ExchangeLog, orgs: readonly ChaosOrg[], life: number): Promise<FinalView> {
  const url = rig.process.url;
  const http = new WardenHttp(url);
  const health = await http.get('/health');
  if (health.status !== 200) throw new Error(`health after the last restart: ${health.status} ${JSON.stringify(health.body)}`);
  const position = BigInt(health.body.projection.position);
  const views = new Map<string, { list: any; usage: any; validations: Exchange[] }>();
  for (const org of orgs) {
    const client = http.withKey(org.orgKey);
    const list = (await client.get('/api/v1/devices/list')).body;
    const usage = (await client.get('/api/v1/usage')).body;
    const validations: Exchange[] = [];
    for (const deviceId of org.devices) validations.push(await log.send(url, life, 'validate', org.orgId, org.orgKey, { deviceId }));
    views.set(org.orgId, { list, usage, validations });
  }
  // The heartbeat carries the relay's position: once it reaches the projection's, every change is published.
  await withDeadline(tap.relayReached(position), 60_000, `the relay to publish up to position ${position}`);
  const jsm = await tap.connection.jetstreamManager();
  const storedPermissions = new Map<string, PermissionMessage | undefined>();
  for (const org of orgs) {
    for (const deviceId of org.devices) {
      const subject = deviceSubject(org.orgId, deviceId);
      const stored = await jsm.streams.getMessage(PERMISSION_STREAM, { last_by_subj: subject }).catch(() => undefined);
      storedPermissions.set(subject, stored?.json<PermissionMessage>());
    }
  }
  return { position, nodeId: health.body.nodeId, orgs: views, storedPermissions };
}
