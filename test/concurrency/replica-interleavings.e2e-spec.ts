import fc from 'fast-check';
import { checkInvariants } from '@warden/audit';
import { decisionsStream, orgStream } from '@warden/ledger';
import { PermissionProjection } from '@warden/projection';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp, type JsonResponse } from '../support/http-client';
import {
  allowsAfterAcknowledgedDenials,
  DEVICES,
  FLIP_FLOP,
  isVerdictOp,
  LOCK_RACE,
  MIXED,
  REVOCATION_RACE,
  workload,
  type Observed,
  type Op,
  type Workload,
  type WorkloadShape,
} from './interleavings.model';

jest.setTimeout(600_000);

/** Property runs: small for CI, WARDEN_CONCURRENCY_RUNS for the long form. */
function runs(ciDefault: number): number {
  const configured = Number(process.env.WARDEN_CONCURRENCY_RUNS);
  return Number.isInteger(configured) && configured > 0 ? configured : ciDefault;
}

/**
 * Two control-plane replicas in this process on one SQLite file (as README "Scaling out"
 * describes), several clients sending random concurrent commands to both.
 */
describe('concurrent clients on two replicas sharing one SQLite ledger', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-concurrency-'));
  let replicas: [RunningControlPlane, RunningControlPlane];
  const stats = { runs: 0, ops: 0, validations: 0, allowed: 0, tokened: 0, obligedToDeny: 0, obligedToDenyAcrossReplicas: 0, registerBursts: 0, notCaughtUp: 0 };

  /**
   * No register rate limit: the bursts here are the point, not abuse. B follows the shared
   * file more slowly than A, so it is often behind when asked: a validation there is only
   * right through the consistency token.
   */
  function env(nodeId: string, pollMs: number): Record<string, string> {
    return { WARDEN_LEDGER: 'sqlite', WARDEN_NODE_ID: nodeId, WARDEN_SQLITE_POLL_MS: String(pollMs), WARDEN_REGISTER_RATE_LIMIT: '0' };
  }

  beforeAll(async () => {
    replicas = [await startControlPlane({ dataDir, env: env('conc-a', 5) }), await startControlPlane({ dataDir, env: env('conc-b', 30) })];
  });
  afterAll(async () => {
    process.stdout.write(`\nconcurrency properties: ${JSON.stringify(stats)}\n`);
    for (const replica of replicas ?? []) await replica?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /**
   * A fresh org with the given cap, known to both replicas. B is awaited in process (its
   * projection's own signal): a validate with the consistency token cannot do it, because
   * replicas authenticate the key before they wait for the token (consistency-token-auth spec).
   */
  async function freshOrg(limit: number) {
    const { orgKey, orgId } = await createOrg(new WardenHttp(replicas[0].url), ADMIN_TOKEN);
    const clients = replicas.map((replica) => new WardenHttp(replica.url).withKey(orgKey)) as [WardenHttp, WardenHttp];
    const set = await clients[0].post('/api/v1/org/limits', { limit });
    expect(set.status).toBe(200);
    const position = BigInt(set.body.position);
    await replicas[1].app.get(PermissionProjection).waitForPosition(position);
    return { orgId, clients, position };
  }

  /**
   * `lockId`: for an unlock, the newest lock of the device the clients know of (an unknown id
   * when none: a 404, inside the contract).
   */
  function send(client: WardenHttp, op: Op, token: bigint | undefined, lockId: string | undefined): Promise<JsonResponse> {
    switch (op.kind) {
      case 'heartbeat':
        return client.post('/api/v1/devices/heartbeat', { deviceId: op.device });
      case 'lock':
        return client.post('/api/v1/locks', { selector: { deviceId: op.device }, reason: 'property' });
      case 'unlock':
        return client.post('/api/v1/locks/remove', { lockId: lockId ?? '00000000-0000-7000-8000-000000000000' });
      case 'register':
        return client.post('/api/v1/devices/register', { deviceId: op.device });
      case 'validate':
        return client.post('/api/v1/devices/validate', { deviceId: op.device, ...(token !== undefined ? { consistencyToken: token.toString() } : {}) });
      case 'revoke':
        return client.post('/api/v1/devices/revoke', { deviceId: op.device, reason: 'property' });
      case 'revoke_batch':
        return client.post('/api/v1/devices/revoke_batch', { deviceIds: [op.device, op.other] });
      case 'unrevoke':
        return client.post('/api/v1/devices/unrevoke', { deviceId: op.device });
      case 'remove':
        return client.post('/api/v1/devices/remove', { deviceId: op.device });
      case 'suspend':
        return client.post('/api/v1/org/suspend', { reason: 'property' });
      case 'resume':
        return client.post('/api/v1/org/resume');
      case 'set_limit':
        return client.post('/api/v1/org/limits', { limit: op.limit });
    }
  }

  /** Runs a workload: every op as soon as the op it waits for has answered; returns the timeline. */
  async function execute(load: Workload, clients: [WardenHttp, WardenHttp], initialPosition: bigint): Promise<Observed[]> {
    let clock = 0;
    let newestPosition = initialPosition;
    const timeline: Observed[] = [];
    const done: Array<Promise<void>> = [];
    const locks = new Map<string, string>();
    load.ops.forEach((op, index) => {
      const run = async () => {
        if (op.after >= 0) await done[op.after];
        const tokenSent = op.kind === 'validate' && op.token ? newestPosition : undefined;
        const start = clock++;
        const response = await send(clients[op.replica], op, tokenSent, locks.get(op.device));
        const end = clock++;
        if (op.kind === 'lock' && response.status === 200) locks.set(op.device, response.body.lockId);
        if (!isVerdictOp(op.kind) && response.status === 200 && typeof response.body.position === 'string') {
          const position = BigInt(response.body.position);
          if (position > newestPosition) newestPosition = position;
        }
        timeline.push({ op, index, start, end, status: response.status, body: response.body, tokenSent });
      };
      done.push(run());
    });
    await Promise.all(done);
    return timeline.sort((a, b) => a.index - b.index);
  }

  /** Fails on any answer outside the API's contract for these (valid) requests. */
  function expectOnlyContractAnswers(timeline: readonly Observed[]): void {
    for (const observed of timeline) {
      const allowed = observed.op.kind === 'validate' ? [200] : [200, 403, 404];
      // A lock names a device by id whether or not it is registered: always accepted.
      if (observed.status === 503 && observed.body?.error === 'not_caught_up') stats.notCaughtUp++;
      else if (!allowed.includes(observed.status)) throw new Error(`op #${observed.index} ${observed.op.kind}: ${observed.status} ${JSON.stringify(observed.body)}`);
    }
  }

  /** Runs random workloads of one shape and checks every property on each. */
  async function checkWorkloads(shape: WorkloadShape, numRuns: number): Promise<void> {
    await fc.assert(
      fc.asyncProperty(workload(shape), async (load) => {
        const { orgId, clients, position } = await freshOrg(load.initialLimit);
        for (const deviceId of load.preRegistered) await clients[0].post('/api/v1/devices/register', { deviceId });
        const timeline = await execute(load, clients, position);
        expectOnlyContractAnswers(timeline);

        // No allow after an acknowledged denial that the validation had to see.
        const denials = allowsAfterAcknowledgedDenials(timeline);
        expect(denials.breaches).toEqual([]);

        // The cap and the decision rules held for everything the ledger recorded (libs/audit).
        const report = await checkInvariants(replicas[0].ledger, { orgId });
        expect(report.breaches).toEqual([]);
        expect(report.chainBreaks).toEqual([]);

        // Every answered decision is on the record, on the node that answered it.
        const recorded = new Set<string>();
        for (const nodeId of ['conc-a', 'conc-b']) for (const event of await replicas[0].ledger.readStream(decisionsStream(nodeId))) recorded.add(event.eventId);
        const validations = timeline.filter((observed) => isVerdictOp(observed.op.kind) && observed.status === 200);
        expect(validations.filter((observed) => !recorded.has(observed.body.request_id)).map((observed) => observed.index)).toEqual([]);

        stats.runs++;
        stats.ops += timeline.length;
        stats.validations += validations.length;
        stats.allowed += validations.filter((observed) => observed.body.allowed).length;
        stats.tokened += validations.filter((observed) => observed.tokenSent !== undefined).length;
        stats.obligedToDeny += denials.obliged;
        stats.obligedToDenyAcrossReplicas += denials.obligedAcrossReplicas;
      }),
      // No shrinking: a run is real concurrency, so a failing workload need not fail again the same way.
      { numRuns, endOnFailure: true },
    );
  }

  it('keeps the cap, records every decision, and never allows after an acknowledged revoke, remove or suspend (every command)', async () => {
    await checkWorkloads({ maxOps: 40, mix: MIXED }, runs(30));
  });

  it('never allows after an acknowledged revoke or suspend, on either replica, when revocations race validations', async () => {
    await checkWorkloads({ maxOps: 40, mix: REVOCATION_RACE, registerAll: true, devices: 2 }, runs(30));
  });

  it('never allows after an acknowledged lock, on either replica, when locks and unlocks race validations and heartbeats', async () => {
    await checkWorkloads({ maxOps: 30, mix: LOCK_RACE, registerAll: true, devices: 2 }, runs(20));
  });

  it('never allows on B, with the consistency token, what was revoked or suspended on A', async () => {
    await checkWorkloads({ maxOps: 30, mix: FLIP_FLOP, registerAll: true, devices: 3, placement: 'split' }, runs(60));
  });

  it('admits exactly min(cap, distinct devices) of a concurrent registration burst split across the replicas', async () => {
    const burst = fc.record({
      limit: fc.integer({ min: 0, max: 6 }),
      registrations: fc.array(fc.record({ replica: fc.constantFrom<0 | 1>(0, 1), device: fc.constantFrom(...DEVICES, 'd6', 'd7', 'd8') }), { minLength: 1, maxLength: 14 }),
    });
    await fc.assert(
      fc.asyncProperty(burst, async ({ limit, registrations }) => {
        const { orgId, clients } = await freshOrg(limit);
        const answers = await Promise.all(registrations.map(({ replica, device }) => clients[replica].post('/api/v1/devices/register', { deviceId: device })));
        const distinct = new Set(registrations.map((registration) => registration.device));
        const admitted = new Set(registrations.filter((_, i) => answers[i]!.status === 200).map((registration) => registration.device));
        const refused = answers.filter((answer) => answer.status === 403 && answer.body.status === 'limit_reached').length;

        expect(answers.every((answer) => answer.status === 200 || (answer.status === 403 && answer.body.status === 'limit_reached'))).toBe(true);
        expect(admitted.size).toBe(Math.min(limit, distinct.size));
        expect(refused).toBe(registrations.filter((registration) => !admitted.has(registration.device)).length);
        const events = await replicas[0].ledger.readStream(orgStream(orgId));
        expect(events.filter((event) => event.type === 'DeviceRegistered').map((event) => (event.data as { deviceId: string }).deviceId).sort()).toEqual([...admitted].sort());
        expect((await checkInvariants(replicas[0].ledger, { orgId })).breaches).toEqual([]);
        stats.registerBursts++;
      }),
      { numRuns: runs(25), endOnFailure: true },
    );
  });
});
