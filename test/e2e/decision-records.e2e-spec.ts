import Database from 'better-sqlite3';
import { join } from 'node:path';
import { ADMIN_TOKEN, SQLITE, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp } from '../support/http-client';

describe('decision records', () => {
  let cp: RunningControlPlane;
  let org: WardenHttp;

  beforeAll(async () => {
    cp = await startControlPlane({ env: SQLITE });
    const http = new WardenHttp(cp.url);
    org = http.withKey((await createOrg(http, ADMIN_TOKEN)).orgKey);
    await org.post('/api/v1/devices/register', { deviceId: 'agent-01' });
  });
  afterAll(() => cp.close({ removeData: true }));

  async function recordedDecisions(): Promise<Map<string, Record<string, unknown>>> {
    const records = await cp.decisions();
    return new Map(records.map((event) => [(event.data as { decisionId: string }).decisionId, event.data as Record<string, unknown>]));
  }

  it('finds the request_id of every validate answer as a PermissionDecided record', async () => {
    const answers = await Promise.all(
      ['agent-01', 'agent-01', 'ghost', 'agent-01', 'ghost'].map((deviceId) => org.post('/api/v1/devices/validate', { deviceId })),
    );
    const records = await recordedDecisions();
    for (const answer of answers) {
      expect(records.get(answer.body.request_id)).toMatchObject({
        deviceId: answer.body.deviceId,
        action: 'validate',
        allowed: answer.body.allowed,
        code: answer.body.code,
      });
    }
  });

  describe('when the ledger cannot be written', () => {
    it('answers allowed: false with LEDGER_UNAVAILABLE, then ALLOW again once it is writable', async () => {
      const blocker = new Database(join(cp.dataDir, 'ledger.sqlite'));
      blocker.exec('BEGIN EXCLUSIVE');
      try {
        const denied = await org.post('/api/v1/devices/validate', { deviceId: 'agent-01' });
        expect(denied.status).toBe(200);
        expect(denied.body).toMatchObject({ allowed: false, code: 'LEDGER_UNAVAILABLE' });
        const command = await org.post('/api/v1/devices/revoke', { deviceId: 'agent-01' });
        expect(command.status).toBe(503);
        expect(command.body).toMatchObject({ status: 'error', error: 'ledger_unavailable' });
      } finally {
        blocker.exec('COMMIT');
        blocker.close();
      }
      const allowed = await org.post('/api/v1/devices/validate', { deviceId: 'agent-01' });
      expect(allowed.body).toMatchObject({ allowed: true, code: 'ALLOW' });
      expect((await recordedDecisions()).get(allowed.body.request_id)).toMatchObject({ allowed: true, code: 'ALLOW' });
    });
  });
});
