import { LedgerIntegrityError, type OrgEvent, type OrgState } from '@warden/domain';
import {
  TEST_AT,
  TEST_ORG_ID,
  deviceLimitSet,
  deviceRegistered,
  deviceRemoved,
  deviceRestored,
  deviceRevoked,
  devicesRegistered,
  keyIssued,
  lockLifted,
  lockPlaced,
  orgExists,
  orgResumed,
  orgSuspended,
} from '@warden/testing';
import { PermissionChangeTracker } from './permission-change.tracker';
import type { PermissionMessage } from './permission-contract';
import { OrgEventFeed, type AnyEvent } from './testing/org-event-feed';

/** [deviceId (null: the org-level message), code] of each message, in order. */
type Expected = [string | null, string][];

function given(...history: (OrgEvent | AnyEvent)[]) {
  const feed = new OrgEventFeed();
  const tracker = new PermissionChangeTracker();
  for (const event of history) tracker.apply(feed.record(event));
  return {
    tracker,
    when(event: OrgEvent | AnyEvent, streamId?: string) {
      const recorded = feed.record(event, streamId);
      const messages = tracker.apply(recorded);
      return {
        recorded,
        messages,
        then(expected: Expected): readonly PermissionMessage[] {
          expect(messages.map((m) => [m.deviceId, m.code])).toEqual(expected);
          for (const message of messages) expect(message.allowed).toBe(message.code === 'ALLOW');
          return messages;
        },
      };
    },
  };
}

const fiveDevices = devicesRegistered('d1', 'd2', 'd3', 'd4', 'd5');

describe('PermissionChangeTracker', () => {
  describe('when a device is revoked', () => {
    it('sends DEVICE_REVOKED for that device only, carrying the event', () => {
      const { recorded, then } = given(...orgExists({ limit: 5 }), ...devicesRegistered('d1', 'd2', 'd3')).when(deviceRevoked('d2'));
      const [message] = then([['d2', 'DEVICE_REVOKED']]);
      expect(message).toEqual({
        orgId: TEST_ORG_ID,
        deviceId: 'd2',
        allowed: false,
        code: 'DEVICE_REVOKED',
        position: recorded.position.toString(),
        eventId: recorded.eventId,
        at: TEST_AT,
      });
    });

    it('sends nothing when the device was already revoked', () => {
      given(...orgExists(), deviceRegistered('d1'), deviceRevoked('d1')).when(deviceRevoked('d1')).then([]);
    });

    it('looks at that device only when the org is within its cap', () => {
      const ids = Array.from({ length: 20_000 }, (_, i) => `d${i}`);
      const { tracker, when } = given(...orgExists({ limit: 50_000 }), ...devicesRegistered(...ids));
      const devices = tracker.org(TEST_ORG_ID)!.devices;
      let scans = 0;
      const iterators: (string | symbol)[] = ['values', 'keys', 'entries', 'forEach', Symbol.iterator];
      for (const name of iterators) {
        Object.defineProperty(devices, name, { configurable: true, value: () => ++scans && [][Symbol.iterator]() });
      }
      try {
        when(deviceRevoked('d123')).then([['d123', 'DEVICE_REVOKED']]);
        when(deviceRestored('d123')).then([['d123', 'ALLOW']]);
        when(deviceRemoved('d7')).then([['d7', 'DEVICE_NOT_REGISTERED']]);
        when(deviceLimitSet(40_000)).then([]);
      } finally {
        for (const name of iterators) delete (devices as unknown as Record<string | symbol, unknown>)[name];
      }
      expect(scans).toBe(0);
    });
  });

  describe('when a device is restored', () => {
    it('sends ALLOW for it', () => {
      given(...orgExists(), deviceRegistered('d1'), deviceRevoked('d1')).when(deviceRestored('d1')).then([['d1', 'ALLOW']]);
    });
  });

  describe('when a device is removed', () => {
    it('sends DEVICE_NOT_REGISTERED for an active device', () => {
      given(...orgExists(), ...devicesRegistered('d1', 'd2')).when(deviceRemoved('d1')).then([['d1', 'DEVICE_NOT_REGISTERED']]);
    });

    it('sends DEVICE_NOT_REGISTERED for a revoked device', () => {
      given(...orgExists(), deviceRegistered('d1'), deviceRevoked('d1')).when(deviceRemoved('d1')).then([['d1', 'DEVICE_NOT_REGISTERED']]);
    });
  });

  describe('when a device is registered', () => {
    it('sends ALLOW for it', () => {
      given(...orgExists(), deviceRegistered('d1')).when(deviceRegistered('d2')).then([['d2', 'ALLOW']]);
    });

    it('sends ORG_SUSPENDED when the org is suspended', () => {
      given(...orgExists(), orgSuspended()).when(deviceRegistered('d1')).then([['d1', 'ORG_SUSPENDED']]);
    });
  });

  describe('when the org is suspended', () => {
    it('sends the org-level message, then ORG_SUSPENDED for each active device', () => {
      const scenario = given(...orgExists({ limit: 5 }), ...devicesRegistered('d1', 'd2', 'd3'), deviceRevoked('d3'));
      const [org] = scenario.when(orgSuspended()).then([
        [null, 'ORG_SUSPENDED'],
        ['d1', 'ORG_SUSPENDED'],
        ['d2', 'ORG_SUSPENDED'],
      ]);
      expect(org).toMatchObject({ orgId: TEST_ORG_ID, deviceId: null, allowed: false });
      scenario.when(orgResumed()).then([
        [null, 'ALLOW'],
        ['d1', 'ALLOW'],
        ['d2', 'ALLOW'],
      ]);
    });

    it('keeps a device revoked meanwhile denied on resume', () => {
      const scenario = given(...orgExists(), ...devicesRegistered('d1', 'd2'), orgSuspended());
      scenario.when(deviceRevoked('d1')).then([['d1', 'DEVICE_REVOKED']]);
      scenario.when(orgResumed()).then([
        [null, 'ALLOW'],
        ['d2', 'ALLOW'],
      ]);
    });

    it('applies a cap lowered meanwhile on resume, and not before', () => {
      const scenario = given(...orgExists({ limit: 5 }), ...devicesRegistered('d1', 'd2', 'd3'), orgSuspended());
      scenario.when(deviceLimitSet(1)).then([]);
      scenario.when(orgResumed()).then([
        [null, 'ALLOW'],
        ['d1', 'ALLOW'],
        ['d2', 'LIMIT_EXCEEDED'],
        ['d3', 'LIMIT_EXCEEDED'],
      ]);
    });
  });

  describe('when the cap is lowered below the active count', () => {
    it('denies exactly the newest devices beyond it, and allows them again when raised', () => {
      const scenario = given(...orgExists({ limit: 5 }), ...fiveDevices);
      scenario.when(deviceLimitSet(3)).then([
        ['d4', 'LIMIT_EXCEEDED'],
        ['d5', 'LIMIT_EXCEEDED'],
      ]);
      scenario.when(deviceLimitSet(5)).then([
        ['d4', 'ALLOW'],
        ['d5', 'ALLOW'],
      ]);
    });

    it('lets the first device beyond the cap in when a device within it is revoked', () => {
      const scenario = given(...orgExists({ limit: 5 }), ...fiveDevices, deviceLimitSet(3));
      scenario.when(deviceRevoked('d1')).then([
        ['d1', 'DEVICE_REVOKED'],
        ['d4', 'ALLOW'],
      ]);
      scenario.when(deviceRemoved('d5')).then([['d5', 'DEVICE_NOT_REGISTERED']]);
    });

    it('denies the newest device again when a restore goes over the cap', () => {
      const scenario = given(...orgExists({ limit: 5 }), ...devicesRegistered('d1', 'd2', 'd3', 'd4'), deviceRevoked('d2'));
      scenario.when(deviceLimitSet(3)).then([]);
      scenario.when(deviceRestored('d2')).then([
        ['d2', 'ALLOW'],
        ['d4', 'LIMIT_EXCEEDED'],
      ]);
    });
  });

  describe('when a lock is placed or lifted', () => {
    const fleet = [
      ...orgExists({ limit: 10 }),
      deviceRegistered('pay-1', { team: 'payments', env: 'prod' }),
      deviceRegistered('pay-2', { team: 'payments', env: 'staging' }),
      deviceRegistered('web-1', { team: 'web', env: 'prod' }),
      deviceRegistered('pay-3', { team: 'payments', env: 'prod' }),
    ];
    const later = (seconds: number) => new Date(Date.parse(TEST_AT) + seconds * 1000).toISOString();

    it('sends DEVICE_LOCKED to exactly the devices carrying every label, and ALLOW to them when lifted; no org-level message', () => {
      const scenario = given(...fleet);
      scenario.when(lockPlaced('L1', { labels: { team: 'payments', env: 'prod' } })).then([
        ['pay-1', 'DEVICE_LOCKED'],
        ['pay-3', 'DEVICE_LOCKED'],
      ]);
      scenario.when(lockLifted('L1')).then([
        ['pay-1', 'ALLOW'],
        ['pay-3', 'ALLOW'],
      ]);
    });

    it('sends DEVICE_LOCKED to the device a lock names', () => {
      given(...fleet).when(lockPlaced('L1', { deviceId: 'web-1' })).then([['web-1', 'DEVICE_LOCKED']]);
    });

    it('sends nothing to a matched device denied for its own reason, nor when a second lock covers a locked device', () => {
      const scenario = given(...fleet, deviceRevoked('pay-3'), lockPlaced('L1', { deviceId: 'web-1' }));
      scenario.when(lockPlaced('L2', { labels: { env: 'prod' } })).then([['pay-1', 'DEVICE_LOCKED']]);
      scenario.when(lockLifted('L1')).then([]);
      scenario.when(lockLifted('L2')).then([
        ['pay-1', 'ALLOW'],
        ['web-1', 'ALLOW'],
      ]);
    });

    it('sends DEVICE_LOCKED to a device registered later under the lock, and ALLOW to one it does not match', () => {
      const scenario = given(...fleet, lockPlaced('L1', { labels: { team: 'batch' } }));
      scenario.when(deviceRegistered('batch-1', { team: 'batch' })).then([['batch-1', 'DEVICE_LOCKED']]);
      scenario.when(deviceRegistered('batch-2', { team: 'batch-2' })).then([['batch-2', 'ALLOW']]);
    });

    it('turns a device beyond the cap from LIMIT_EXCEEDED to DEVICE_LOCKED (the lock ranks first)', () => {
      given(...fleet, deviceLimitSet(3)).when(lockPlaced('L1', { deviceId: 'pay-3' })).then([['pay-3', 'DEVICE_LOCKED']]);
    });

    it('sends nothing while the org is suspended (ORG_SUSPENDED outranks a lock)', () => {
      const scenario = given(...fleet, orgSuspended());
      scenario.when(lockPlaced('L1', { labels: { team: 'payments' } })).then([]);
      scenario.when(lockPlaced('L2', { deviceId: 'web-1' })).then([]);
      scenario.when(lockLifted('L2')).then([]);
    });

    it('on resume while locked, sends DEVICE_LOCKED to the matched devices and ALLOW to the others', () => {
      const scenario = given(...fleet, lockPlaced('L1', { labels: { team: 'payments', env: 'prod' } }), orgSuspended());
      scenario.when(orgResumed()).then([
        [null, 'ALLOW'],
        ['pay-1', 'DEVICE_LOCKED'],
        ['pay-2', 'ALLOW'],
        ['web-1', 'ALLOW'],
        ['pay-3', 'DEVICE_LOCKED'],
      ]);
    });

    it('judges a timed lock by each event\'s own time: past its time, a lift or a new device sends no DEVICE_LOCKED', () => {
      const scenario = given(...fleet, lockPlaced('L1', { labels: { team: 'web' } }, { expiresAt: later(60) }));
      scenario.when(deviceRegistered('web-2', { team: 'web' }, { at: later(59) })).then([['web-2', 'DEVICE_LOCKED']]);
      scenario.when(deviceRegistered('web-3', { team: 'web' }, { at: later(60) })).then([['web-3', 'ALLOW']]);
      scenario.when(lockLifted('L1', { at: later(61) })).then([]);
    });
  });

  describe('ignores', () => {
    it('key events', () => {
      given(...orgExists(), deviceRegistered('d1')).when(keyIssued('k2')).then([]);
    });

    it('unknown event types, but still counts their revision', () => {
      const scenario = given(...orgExists(), deviceRegistered('d1'));
      scenario.when({ type: 'SomethingNew', data: { orgId: TEST_ORG_ID } }).then([]);
      expect(scenario.tracker.org(TEST_ORG_ID)!.revision).toBe(3);
      scenario.when(deviceRevoked('d1')).then([['d1', 'DEVICE_REVOKED']]);
    });

    it('events of non-org streams', () => {
      const scenario = given();
      scenario.when({ type: 'PermissionDecided', data: { orgId: TEST_ORG_ID } }, 'decisions-node-1').then([]);
      expect(scenario.tracker.orgCount).toBe(0);
    });

    it('an event delivered again', () => {
      const feed = new OrgEventFeed();
      const tracker = new PermissionChangeTracker();
      for (const event of [...orgExists(), deviceRegistered('d1')]) tracker.apply(feed.record(event));
      const revoke = feed.record(deviceRevoked('d1'));
      expect(tracker.apply(revoke)).toHaveLength(1);
      expect(tracker.apply(revoke)).toEqual([]);
    });
  });

  it('refuses a known event whose payload is malformed', () => {
    const scenario = given(...orgExists());
    expect(() => scenario.when({ type: 'DeviceRevoked', data: { orgId: TEST_ORG_ID, at: TEST_AT } })).toThrow(LedgerIntegrityError);
  });
});

describe('PermissionChangeTracker.from (seeded with org states)', () => {
  const history = [...orgExists({ limit: 3 }), keyIssued('k1'), ...devicesRegistered('d1', 'd2', 'd3', 'd4'), deviceRevoked('d2')];
  const later = [deviceRestored('d2'), deviceLimitSet(2), orgSuspended(), orgResumed(), deviceRemoved('d1')];

  it('gives the same messages for later events as a tracker that folded the whole history', () => {
    const feed = new OrgEventFeed();
    const full = new PermissionChangeTracker();
    for (const event of history) full.apply(feed.record(event));
    const seeded = PermissionChangeTracker.from([full.org(TEST_ORG_ID) as OrgState]);
    for (const event of later) {
      const recorded = feed.record(event);
      expect(seeded.apply(recorded)).toEqual(full.apply(recorded));
    }
  });

  it('folds copies: the states it was seeded with stay as they were', () => {
    const feed = new OrgEventFeed();
    const source = new PermissionChangeTracker();
    for (const event of history) source.apply(feed.record(event));
    const before = JSON.stringify([...source.org(TEST_ORG_ID)!.devices.values()]);
    const seeded = PermissionChangeTracker.from([source.org(TEST_ORG_ID) as OrgState]);
    for (const event of later) seeded.apply(feed.record(event));
    expect(JSON.stringify([...source.org(TEST_ORG_ID)!.devices.values()])).toBe(before);
    expect(seeded.org(TEST_ORG_ID)!.devices.has('d1')).toBe(false);
  });
});
