import { checkInvariants, replayLedger } from '@warden/audit';
import { decisionsStream, orgStream, type EventLedger } from '@warden/ledger';
import { ADMIN_TOKEN, type RunningControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp, type JsonResponse } from '../support/http-client';
import { eventually } from '../support/eventually';

/** One way of making a running control plane's ledger unwritable, and of ending it. */
export interface LedgerOutageRig {
  /** Starts the control plane on the ledger the fault will hit. */
  start(): Promise<RunningControlPlane>;
  /** Makes the ledger unwritable while the control plane keeps running. */
  injectFault(cp: RunningControlPlane): Promise<void>;
  /** Ends the fault; idempotent (also called on the way out after a failure). */
  removeFault(): Promise<void>;
  /** A connection of its own to the same ledger, as an auditor (or `warden audit`) would open it. */
  openAuditLedger(): Promise<EventLedger>;
  /** Checks below the ledger port (e.g. SQLite's integrity_check), after recovery. */
  storageIntact?(): Promise<void>;
  /** Releases whatever `start` and `injectFault` set up, data dir included (after the control plane is closed). */
  dispose(): Promise<void>;
}

/** The stable error body of an unavailable ledger: exactly these fields, no stack. */
const LEDGER_UNAVAILABLE_BODY = { status: 'error', error: 'ledger_unavailable', message: expect.any(String) };

/**
 * The guarantees of an unwritable ledger, the same whatever the fault: every validation fails
 * closed (200, allowed: false, LEDGER_UNAVAILABLE; never an allow without its record), every
 * command answers 503 `ledger_unavailable` and changes nothing, and once the fault ends the
 * same process allows and takes commands again by itself; afterwards the ledger holds every
 * acknowledged event and nothing of what was refused, every answer matches its record, and
 * the hash chains, replay and invariants are clean.
 */
export function describeLedgerOutage(fault: string, makeRig: () => LedgerOutageRig): void {
  describe(`when ${fault}`, () => {
    const rig = makeRig();
    let cp: RunningControlPlane | undefined;
    let org: WardenHttp;
    let admin: WardenHttp;
    let orgId: string;
    let eventIdsBefore: string[];
    /** Every validate answer of the suite, checked against the decision records at the end. */
    const validations: JsonResponse[] = [];
    /** Answers of the validations in flight while the fault struck (checked with a looser rule, see below). */
    const atOnset: JsonResponse[] = [];

    async function validate(deviceId: string): Promise<JsonResponse> {
      const answer = await org.post('/api/v1/devices/validate', { deviceId });
      validations.push(answer);
      return answer;
    }

    beforeAll(async () => {
      cp = await rig.start();
      const http = new WardenHttp(cp.url);
      admin = http.withAdminToken(ADMIN_TOKEN);
      const created = await createOrg(http, ADMIN_TOKEN, { planTier: 'pro' });
      orgId = created.orgId;
      org = http.withKey(created.orgKey);
      for (const deviceId of ['steady', 'doomed']) {
        expect((await org.post('/api/v1/devices/register', { deviceId })).body.status).toBe('ok');
      }
      expect((await validate('steady')).body).toMatchObject({ allowed: true, code: 'ALLOW' });
      eventIdsBefore = (await cp.ledger.readStream(orgStream(orgId))).map((event) => event.eventId);
    }, 60_000);

    afterAll(async () => {
      try {
        await rig.removeFault();
        await cp?.close();
      } finally {
        await rig.dispose();
      }
    }, 60_000);

    /**
     * Validations running back to back on a few connections while the fault strikes: it is
     * injected once some have been answered, and each connection then goes on until it is
     * answered LEDGER_UNAVAILABLE (bounded), so the fault lands in the middle of the traffic.
     */
    async function validateWhileTheFaultStrikes(): Promise<void> {
      let answered = 0;
      let injected: Promise<void> | undefined;
      const connection = async (): Promise<void> => {
        for (let round = 0; round < 500; round++) {
          const answer = await org.post('/api/v1/devices/validate', { deviceId: 'steady' });
          atOnset.push(answer);
          if (++answered === 40) injected = rig.injectFault(cp!);
          if (injected && answer.body.code === 'LEDGER_UNAVAILABLE') return;
        }
      };
      await Promise.all([connection(), connection(), connection(), connection(), connection(), connection()]);
      await injected;
    }

    describe('while the ledger cannot be written', () => {
      beforeAll(validateWhileTheFaultStrikes, 60_000);

      it('answered every validation in flight as the fault struck with ALLOW or LEDGER_UNAVAILABLE, nothing else', () => {
        const codes = new Set(atOnset.map((answer) => `${answer.status} ${answer.body.allowed} ${answer.body.code}`));
        expect([...codes].sort()).toEqual(['200 false LEDGER_UNAVAILABLE', '200 true ALLOW']);
      });

      it('answers every validation allowed: false with LEDGER_UNAVAILABLE, never an allow', async () => {
        const answers = await Promise.all([...['steady', 'steady', 'steady', 'steady', 'doomed', 'ghost'].map(validate)]);
        const legacy = await org.get('/api/v1/devices/validate?deviceId=steady');
        validations.push(legacy);
        for (const answer of [...answers, legacy]) {
          expect(answer.status).toBe(200);
          expect(answer.body).toMatchObject({ allowed: false, code: 'LEDGER_UNAVAILABLE' });
          expect(typeof answer.body.request_id).toBe('string');
        }
        expect(legacy.body).toMatchObject({ valid: false });
      });

      it('answers every command 503 ledger_unavailable with the stable error body', async () => {
        const commands = [
          await org.post('/api/v1/devices/revoke', { deviceId: 'doomed', reason: 'during the outage' }),
          await org.post('/api/v1/devices/register', { deviceId: 'newcomer' }),
          await org.post('/api/v1/org/limits', { limit: 2 }),
          await org.post('/api/v1/org/suspend', { reason: 'during the outage' }),
          await admin.post('/api/v1/org/create', { name: 'born-in-the-outage' }),
        ];
        for (const answer of commands) {
          expect({ status: answer.status, body: answer.body }).toEqual({ status: 503, body: LEDGER_UNAVAILABLE_BODY });
        }
      });
    });

    describe('once the fault is removed, in the same process', () => {
      beforeAll(() => rig.removeFault(), 30_000);

      it('allows again by itself, and none of the refused commands took effect', async () => {
        const first = await eventually(
          () => validate('steady'),
          (answer) => answer.body.code !== 'LEDGER_UNAVAILABLE',
          { what: 'a validation that is not LEDGER_UNAVAILABLE', timeoutMs: 30_000 },
        );
        expect(first.body).toMatchObject({ allowed: true, code: 'ALLOW' });
        expect((await validate('doomed')).body).toMatchObject({ allowed: true, code: 'ALLOW' });
        expect((await validate('newcomer')).body).toMatchObject({ allowed: false, code: 'DEVICE_NOT_REGISTERED' });
        expect((await org.get('/api/v1/usage')).body).toMatchObject({ limit: 25, planState: 'active', devicesUsed: 2 });
      }, 60_000);

      it('takes commands again, and answers from them at once (read-your-writes)', async () => {
        expect((await org.post('/api/v1/devices/revoke', { deviceId: 'doomed' })).status).toBe(200);
        expect((await validate('doomed')).body).toMatchObject({ allowed: false, code: 'DEVICE_REVOKED' });
        expect((await org.post('/api/v1/devices/register', { deviceId: 'newcomer' })).body.status).toBe('ok');
        expect((await validate('newcomer')).body).toMatchObject({ allowed: true, code: 'ALLOW' });
        const health = await new WardenHttp(cp!.url).get('/health');
        expect({ status: health.status, health: health.body.status }).toEqual({ status: 200, health: 'ok' });
      }, 60_000);

      it('kept every acknowledged event, wrote nothing it refused, and its chains, replay and invariants are clean', async () => {
        const nodeId = (await new WardenHttp(cp!.url).get('/health')).body.nodeId as string;
        const ledger = await rig.openAuditLedger();
        try {
          const orgEvents = await ledger.readStream(orgStream(orgId));
          expect(orgEvents.slice(0, eventIdsBefore.length).map((event) => event.eventId)).toEqual(eventIdsBefore);
          expect(orgEvents.slice(eventIdsBefore.length).map((event) => [event.type, (event.data as { deviceId?: string }).deviceId])).toEqual([
            ['DeviceRevoked', 'doomed'],
            ['DeviceRegistered', 'newcomer'],
          ]);

          const records = new Map(
            (await ledger.readStream(decisionsStream(nodeId))).map((event) => [(event.data as { decisionId: string }).decisionId, event.data]),
          );
          for (const answer of validations) {
            const record = records.get(answer.body.request_id);
            // A refusal to record is never recorded; every other answer is exactly its record.
            if (answer.body.code === 'LEDGER_UNAVAILABLE') expect(record).toBeUndefined();
            else expect(record).toMatchObject({ deviceId: answer.body.deviceId, allowed: answer.body.allowed, code: answer.body.code });
          }
          expect(validations.some((answer) => answer.body.code === 'LEDGER_UNAVAILABLE')).toBe(true);
          // As the fault strikes, a record may become durable while its answer is already lost
          // (a server gone mid-reply): the answer is then LEDGER_UNAVAILABLE, which is the safe
          // side. An allow, though, must always be on the record, as answered.
          for (const answer of atOnset.filter((onset) => onset.body.code !== 'LEDGER_UNAVAILABLE')) {
            expect(records.get(answer.body.request_id)).toMatchObject({ deviceId: 'steady', allowed: true, code: 'ALLOW' });
          }

          const replay = await replayLedger(ledger);
          expect({ orgs: replay.orgs, chainBreaks: replay.chainBreaks, mismatches: replay.mismatches, malformed: replay.malformed }).toEqual({
            orgs: 1,
            chainBreaks: [],
            mismatches: [],
            malformed: [],
          });
          const invariants = await checkInvariants(ledger);
          expect({ breaches: invariants.breaches, chainBreaks: invariants.chainBreaks }).toEqual({ breaches: [], chainBreaks: [] });
        } finally {
          await ledger.close();
        }
        await rig.storageIntact?.();
      }, 60_000);
    });
  });
}
