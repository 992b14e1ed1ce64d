import { ADMIN_TOKEN, SQLITE, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp } from '../support/http-client';

/** Cases the hostile-input fuzz found, kept as plain regression tests. */
describe('hostile input regressions', () => {
  let cp: RunningControlPlane;
  let org: WardenHttp;

  beforeAll(async () => {
    cp = await startControlPlane({ env: { ...SQLITE, WARDEN_CONSISTENCY_WAIT_MS: '5000' } });
    const http = new WardenHttp(cp.url);
    org = http.withKey((await createOrg(http, ADMIN_TOKEN)).orgKey);
  });
  afterAll(() => cp.close({ removeData: true }));

  // Was 503 ledger_unavailable "read all: error: RangeError: The bound string, buffer, or bigint
  // is too big": SQLite cannot bind an integer past 2^63-1, and the schema let 20 digits through.
  it.each([
    ['an audit cursor', '/api/v1/audit/decisions?cursor=99999999999999999999'],
    ['an audit cursor just past 2^63-1', '/api/v1/audit/decisions?cursor=9223372036854775808'],
    // Found by the HTTP fuzz (seed -971157388): 503 ledger_unavailable from SQLite before.
    ['an audit events cursor just past 2^63-1', '/api/v1/audit/events?cursor=9223372036854775808'],
    ['an audit events cursor at 2^63-1 (read from the next revision)', '/api/v1/audit/events?cursor=9223372036854775807'],
    ['an audit state position', '/api/v1/audit/state?at=18446744073709551615'],
    ['a legacy validate consistency token', '/api/v1/devices/validate?deviceId=dev-1&consistencyToken=99999999999999999999'],
  ])('refuses %s beyond any ledger position with 400, at once, writing nothing', async (_name, path) => {
    const before = await cp.ledger.headPosition();
    const started = Date.now();
    const response = await org.get(path);
    expect([response.status, response.body.error]).toEqual([400, 'invalid_request']);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await cp.ledger.headPosition()).toBe(before);
  });

  it('still accepts the largest position as a cursor (an empty page)', async () => {
    const response = await org.get('/api/v1/audit/decisions?cursor=9223372036854775807');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ decisions: [], nextCursor: null });
  });

  it('refuses a validate body whose consistency token is beyond any ledger position with 400 (not 503 after the wait)', async () => {
    const before = await cp.ledger.headPosition();
    const response = await org.post('/api/v1/devices/validate', { deviceId: 'dev-1', consistencyToken: '99999999999999999999' });
    expect([response.status, response.body.error, response.body.field]).toEqual([400, 'invalid_request', 'consistencyToken']);
    expect(await cp.ledger.headPosition()).toBe(before);
  });
});

describe('audit decisions time range with a UTC offset', () => {
  let cp: RunningControlPlane;
  let org: WardenHttp;

  beforeAll(async () => {
    cp = await startControlPlane({ env: SQLITE });
    const http = new WardenHttp(cp.url);
    org = http.withKey((await createOrg(http, ADMIN_TOKEN)).orgKey);
    expect((await org.post('/api/v1/devices/validate', { deviceId: 'dev-1' })).status).toBe(200);
  });
  afterAll(() => cp.close({ removeData: true }));

  /** The same instant written in UTC and at +05:00 (five hours ahead on the clock). */
  function inOffset(date: Date, hours: number): string {
    const shifted = new Date(date.getTime() + hours * 3_600_000).toISOString().slice(0, 19);
    return `${shifted}+${String(hours).padStart(2, '0')}:00`;
  }

  // Was: `to` compared as text with the recorded UTC times, so an offset time ending before the
  // decision (…T01:00+05:00 = …T20:00Z) still let it through, and one after it could drop it.
  it('reads from and to as instants, whatever their offset', async () => {
    const hourAgo = new Date(Date.now() - 3_600_000);
    const inAnHour = new Date(Date.now() + 3_600_000);
    const before = await org.get(`/api/v1/audit/decisions?to=${encodeURIComponent(inOffset(hourAgo, 5))}`);
    const around = await org.get(`/api/v1/audit/decisions?from=${encodeURIComponent(inOffset(hourAgo, 5))}&to=${encodeURIComponent(inOffset(inAnHour, 5))}`);
    expect([before.status, before.body.decisions]).toEqual([200, []]);
    expect([around.status, around.body.decisions.length]).toEqual([200, 1]);
  });
});
