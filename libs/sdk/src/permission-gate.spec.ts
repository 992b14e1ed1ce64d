import { backoffDelay, backoffForOutage } from './backoff';
import { PermissionGate } from './permission-gate';
import { toPermissionUpdate, type PermissionUpdate } from './permission-messages';
import { ControlPlaneStale, ExecutionDenied } from './sdk.errors';
import { abortReason } from './testing/abort-reason';

const identity = { deviceId: 'agent-1', orgId: 'org-1' };

function update(fields: Partial<PermissionUpdate> & Pick<PermissionUpdate, 'position'>): PermissionUpdate {
  return { orgId: 'org-1', deviceId: 'agent-1', allowed: false, code: 'DEVICE_REVOKED', ...fields };
}

describe('PermissionGate', () => {
  const gates: PermissionGate[] = [];
  function gate(floor = 10n, maxStalenessMs = 60_000): PermissionGate {
    const created = new PermissionGate(identity, maxStalenessMs, floor);
    gates.push(created);
    return created;
  }
  afterEach(() => gates.splice(0).forEach((g) => g.end(new ExecutionDenied('TEST_OVER'))));

  it('closes on the first deny newer than what it knows, with the code', () => {
    const subject = gate();

    subject.permission(update({ position: '11' }));

    expect(subject.reason).toBeInstanceOf(ExecutionDenied);
    expect(subject.reason).toMatchObject({ code: 'DEVICE_REVOKED' });
  });

  describe('acknowledging what it applies', () => {
    it('reports an allow it applies, and a deny only once its signal has aborted, with when it stopped', () => {
      const applied: Array<{ position: string; aborted: boolean; stopped: boolean }> = [];
      const subject = new PermissionGate(identity, 60_000, 10n, (u, receivedAt, stoppedAt) => {
        expect(receivedAt).toBeInstanceOf(Date);
        applied.push({ position: u.position, aborted: subject.signal.aborted, stopped: stoppedAt !== undefined });
      });
      gates.push(subject);

      subject.permission(update({ position: '10', allowed: true, code: 'ALLOW' }));
      subject.permission(update({ position: '11', allowed: true, code: 'ALLOW' }));
      subject.permission(update({ deviceId: null, code: 'ORG_SUSPENDED', position: '12' }));
      subject.permission(update({ code: 'ORG_SUSPENDED', position: '12' }));

      expect(applied).toEqual([
        { position: '11', aborted: false, stopped: false },
        { position: '12', aborted: true, stopped: true },
      ]);
    });
  });

  it('ignores messages at or below its floor (the position its allow was decided at)', () => {
    const subject = gate(10n);

    subject.permission(update({ position: '10' }));
    subject.permission(update({ deviceId: null, code: 'ORG_SUSPENDED', position: '9' }));

    expect(subject.signal.aborted).toBe(false);
  });

  it('orders positions per subject: a newer device message does not hide an org message', () => {
    const subject = gate();

    subject.permission(update({ allowed: true, code: 'ALLOW', position: '50' }));
    subject.permission(update({ allowed: false, code: 'DEVICE_REVOKED', position: '40' }));
    expect(subject.signal.aborted).toBe(false);

    subject.permission(update({ deviceId: null, code: 'ORG_SUSPENDED', position: '45' }));
    expect(subject.reason).toMatchObject({ code: 'ORG_SUSPENDED' });
  });

  it('compares positions beyond 2^53 exactly', () => {
    const subject = gate(9007199254740993n);

    subject.permission(update({ position: '9007199254740993' }));
    expect(subject.signal.aborted).toBe(false);
    subject.permission(update({ position: '9007199254740994' }));
    expect(subject.signal.aborted).toBe(true);
  });

  it('never reopens: allowed: true after a deny changes nothing', () => {
    const subject = gate();
    subject.permission(update({ position: '11' }));

    subject.permission(update({ allowed: true, code: 'ALLOW', position: '12' }));

    expect(subject.reason).toMatchObject({ code: 'DEVICE_REVOKED' });
  });

  it('ignores messages for another device or org', () => {
    const subject = gate();

    subject.permission(update({ deviceId: 'agent-2', position: '11' }));
    subject.permission(update({ orgId: 'org-2', deviceId: null, code: 'ORG_SUSPENDED', position: '11' }));

    expect(subject.signal.aborted).toBe(false);
  });

  it('goes stale when nothing live is heard, even if stored state is read back', async () => {
    const subject = gate(10n, 100);
    subject.start();
    const reading = setInterval(() => subject.permission(update({ allowed: true, code: 'ALLOW', position: '10' })), 10);

    try {
      const reason = await abortReason(subject.signal);
      expect(reason).toBeInstanceOf(ControlPlaneStale);
      expect(reason).toMatchObject({ maxStalenessMs: 100 });
    } finally {
      clearInterval(reading);
    }
  });
});

describe('toPermissionUpdate', () => {
  it.each([
    ['not an object', 'ALLOW'],
    ['no position', { orgId: 'o', deviceId: 'd', allowed: false, code: 'DEVICE_REVOKED' }],
    ['a numeric position', { orgId: 'o', deviceId: 'd', allowed: false, code: 'DEVICE_REVOKED', position: 12 }],
    ['allowed as a string', { orgId: 'o', deviceId: 'd', allowed: 'false', code: 'DEVICE_REVOKED', position: '12' }],
    ['no orgId', { deviceId: 'd', allowed: false, code: 'DEVICE_REVOKED', position: '12' }],
  ])('rejects a payload with %s', (_case, raw) => {
    expect(toPermissionUpdate(raw)).toBeUndefined();
  });

  it('accepts an org message (deviceId null)', () => {
    expect(toPermissionUpdate({ orgId: 'o', deviceId: null, allowed: false, code: 'ORG_SUSPENDED', position: '3', eventId: 'e', at: 't' })).toEqual({
      orgId: 'o',
      deviceId: null,
      allowed: false,
      code: 'ORG_SUSPENDED',
      position: '3',
    });
  });
});

describe('reconnect backoff', () => {
  it('doubles from 250 ms up to 5 s, with jitter within [d/2, d]', () => {
    expect([0, 1, 2, 3, 4, 5, 10].map((n) => backoffDelay(n, undefined, () => 1))).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
    expect(backoffDelay(3, undefined, () => 0)).toBe(1000);
  });

  it('follows the age of the outage when attempts cannot be counted', () => {
    expect([0, 100, 800, 60_000].map((ms) => backoffForOutage(ms, undefined, () => 1))).toEqual([250, 250, 800, 5000]);
  });
});
