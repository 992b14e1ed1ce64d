import {
  deviceLeaseExpired,
  deviceRegistered,
  deviceRevoked,
  devicesRegistered,
  expireLeases,
  given,
  liftLock,
  lockLifted,
  lockPlaced,
  orgExists,
  orgPolicySet,
  orgSuspended,
  placeLock,
  registerDevice,
  restoreDevices,
  revokeDevices,
  setLeasePolicy,
  TEST_AT,
} from '@warden/testing';
import { DecisionCode } from './decision-codes';
import type { OrgEvent } from './org.events';
import { foldOrg } from './org.evolve';
import { decideValidation } from './validation.decide';

const T0 = TEST_AT; // 2030-01-02T03:04:05.000Z
const plus = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();

describe('leases', () => {
  describe('SetLeasePolicy', () => {
    it('turns leases on with a TTL', () => {
      given(...orgExists()).when(setLeasePolicy(30)).then(orgPolicySet(30));
    });

    it('turns leases off with null', () => {
      given(...orgExists(), orgPolicySet(30)).when(setLeasePolicy(null)).then(orgPolicySet(null));
    });

    it('changes nothing when the TTL is the same', () => {
      given(...orgExists(), orgPolicySet(30)).when(setLeasePolicy(30)).thenNothingHappens();
    });

    it.each([4, 86_401, 2.5, -1])('refuses a TTL of %p with invalid_lease_ttl', (ttl) => {
      given(...orgExists()).when(setLeasePolicy(ttl)).thenThrows('invalid_lease_ttl', 'invalid');
    });
  });

  describe('ExpireLeases', () => {
    const leased = [...orgExists(), orgPolicySet(10), ...devicesRegistered('d1', 'd2')];

    it('expires a device not seen for the TTL, recording when it was last seen and the TTL', () => {
      given(...leased)
        .when(expireLeases([{ deviceId: 'd1', lastSeenAt: T0 }], { at: plus(10) }))
        .then(deviceLeaseExpired('d1', T0, 10, { at: plus(10) }));
    });

    it('leaves a device whose lease has not lapsed by the command time', () => {
      given(...leased).when(expireLeases([{ deviceId: 'd1', lastSeenAt: T0 }], { at: plus(9) })).thenNothingHappens();
    });

    it('writes nothing for a device already expired (a racing replica got there first)', () => {
      given(...leased, deviceLeaseExpired('d1', T0, 10, { at: plus(10) }))
        .when(expireLeases([{ deviceId: 'd1', lastSeenAt: T0 }], { at: plus(11) }))
        .thenNothingHappens();
    });

    it('writes nothing when leases are off', () => {
      given(...orgExists(), deviceRegistered('d1')).when(expireLeases([{ deviceId: 'd1', lastSeenAt: T0 }], { at: plus(99_999) })).thenNothingHappens();
    });

    it('leaves revoked and unknown devices alone', () => {
      given(...leased, deviceRevoked('d2'))
        .when(expireLeases([{ deviceId: 'd2', lastSeenAt: T0 }, { deviceId: 'nope', lastSeenAt: T0 }], { at: plus(60) }))
        .thenNothingHappens();
    });

    it('refuses a last sign of life older than the registration it would expire', () => {
      given(...orgExists(), orgPolicySet(10), deviceRegistered('d1', {}, { at: plus(50) }))
        .when(expireLeases([{ deviceId: 'd1', lastSeenAt: T0 }], { at: plus(55) }))
        .thenNothingHappens();
    });

    it('releases the seat: an expired device frees room under the cap', () => {
      const state = given(...orgExists({ limit: 2 }), orgPolicySet(10), ...devicesRegistered('d1', 'd2'), deviceLeaseExpired('d1', T0, 10))
        .when(registerDevice('d3'))
        .thenOutcomes(['d3', 'registered'])
        .stateAfter();
      expect(state.activeCount).toBe(2);
    });
  });

  describe('an expired device', () => {
    const expired = [...orgExists(), orgPolicySet(10), deviceRegistered('d1'), deviceLeaseExpired('d1', T0, 10)];

    it('is denied with LEASE_EXPIRED', () => {
      expect(given(...expired).validate('d1').verdict).toEqual({ allowed: false, code: DecisionCode.LeaseExpired });
    });

    it('registers again as a new registration, subject to the cap', () => {
      given(...expired).when(registerDevice('d1')).then(deviceRegistered('d1')).thenOutcomes(['d1', 'registered']).thenValidate('d1');
      given(...expired.slice(0, 2), ...devicesRegistered('d2', 'd3', 'd1'), deviceLeaseExpired('d1', T0, 10), deviceRegistered('d4'))
        .when(registerDevice('d1'))
        .thenRefuses(DecisionCode.LimitExceeded);
    });

    it('is allowed again after registering', () => {
      expect(given(...expired, deviceRegistered('d1')).validate('d1').verdict.code).toBe(DecisionCode.Allow);
    });

    it('can be revoked, and then reads DEVICE_REVOKED (the operator has the last word)', () => {
      const state = given(...expired).when(revokeDevices(['d1'])).thenOutcomes(['d1', 'revoked']).stateAfter();
      expect(state.activeCount).toBe(0);
      expect(given(...expired, deviceRevoked('d1')).validate('d1').verdict.code).toBe(DecisionCode.DeviceRevoked);
    });

    it('is not restored by unrevoke (only a registration brings it back)', () => {
      given(...expired).when(restoreDevices(['d1'])).thenNothingHappens().thenOutcomes(['d1', 'not_revoked']);
    });
  });
});

describe('locks', () => {
  const fleet = [
    ...orgExists({ limit: 10 }),
    deviceRegistered('pay-1', { team: 'payments', env: 'prod' }),
    deviceRegistered('pay-2', { team: 'payments', env: 'staging' }),
    deviceRegistered('web-1', { team: 'web', env: 'prod' }),
  ];

  describe('PlaceLock', () => {
    it('records the lock with its selector, reason and expiry', () => {
      given(...fleet)
        .when(placeLock('L1', { labels: { team: 'payments' } }, { reason: 'incident 42', expiresAt: plus(3600) }))
        .then(lockPlaced('L1', { labels: { team: 'payments' } }, { reason: 'incident 42', expiresAt: plus(3600) }));
    });

    it('refuses an empty selector with invalid_selector', () => {
      given(...fleet).when(placeLock('L1', {})).thenThrows('invalid_selector', 'invalid');
      given(...fleet).when(placeLock('L1', { labels: {} })).thenThrows('invalid_selector', 'invalid');
    });

    it('refuses an expiry in the past, now, or more than a year ahead with invalid_expires_at', () => {
      given(...fleet).when(placeLock('L1', { deviceId: 'pay-1' }, { expiresAt: plus(-1) })).thenThrows('invalid_expires_at', 'invalid');
      given(...fleet).when(placeLock('L1', { deviceId: 'pay-1' }, { expiresAt: T0 })).thenThrows('invalid_expires_at', 'invalid');
      given(...fleet).when(placeLock('L1', { deviceId: 'pay-1' }, { expiresAt: plus(367 * 86_400) })).thenThrows('invalid_expires_at', 'invalid');
      given(...fleet).when(placeLock('L1', { deviceId: 'pay-1' }, { expiresAt: 'soon' })).thenThrows('invalid_expires_at', 'invalid');
    });

    it('refuses a lock id already in use with lock_exists', () => {
      given(...fleet, lockPlaced('L1', { deviceId: 'pay-1' })).when(placeLock('L1', { deviceId: 'web-1' })).thenThrows('lock_exists', 'conflict');
    });
  });

  describe('LiftLock', () => {
    it('lifts an active lock', () => {
      given(...fleet, lockPlaced('L1', { deviceId: 'pay-1' })).when(liftLock('L1')).then(lockLifted('L1'));
    });

    it('refuses an unknown lock with lock_not_found', () => {
      given(...fleet).when(liftLock('nope')).thenThrows('lock_not_found', 'not-found');
    });

    it('lifts a timed lock still in force at the command time', () => {
      given(...fleet, lockPlaced('L1', { deviceId: 'pay-1' }, { expiresAt: plus(60) }))
        .when(liftLock('L1', { at: plus(59) }))
        .then(lockLifted('L1', { at: plus(59) }));
    });

    it('refuses a timed lock whose time has passed with lock_not_found: it lifted by itself', () => {
      given(...fleet, lockPlaced('L1', { deviceId: 'pay-1' }, { expiresAt: plus(60) }))
        .when(liftLock('L1', { at: plus(60) }))
        .thenThrows('lock_not_found', 'not-found');
    });
  });

  describe('validation under a lock', () => {
    const locked = [...fleet, lockPlaced('L1', { labels: { team: 'payments', env: 'prod' } }, { expiresAt: plus(3600) })];

    it('denies every device matching all the labels with DEVICE_LOCKED', () => {
      expect(given(...locked).validate('pay-1').verdict).toEqual({ allowed: false, code: DecisionCode.DeviceLocked });
    });

    it('allows devices that match only some of the labels', () => {
      expect(given(...locked).validate('pay-2').verdict.code).toBe(DecisionCode.Allow);
      expect(given(...locked).validate('web-1').verdict.code).toBe(DecisionCode.Allow);
    });

    it('denies a device that registers later while the lock is active', () => {
      expect(given(...locked, deviceRegistered('pay-3', { team: 'payments', env: 'prod' })).validate('pay-3').verdict.code).toBe(DecisionCode.DeviceLocked);
    });

    it('lifts by itself at expiresAt, judged by the decision time', () => {
      expect(given(...locked).validate('pay-1', plus(3599)).verdict.code).toBe(DecisionCode.DeviceLocked);
      expect(given(...locked).validate('pay-1', plus(3600)).verdict.code).toBe(DecisionCode.Allow);
    });

    it('matches by device id, and by device id and labels together', () => {
      expect(given(...fleet, lockPlaced('L2', { deviceId: 'web-1' })).validate('web-1').verdict.code).toBe(DecisionCode.DeviceLocked);
      const both = given(...fleet, lockPlaced('L3', { deviceId: 'web-1', labels: { team: 'payments' } }));
      expect(both.validate('web-1').verdict.code).toBe(DecisionCode.Allow);
    });

    it('stops denying once lifted', () => {
      expect(given(...locked, lockLifted('L1')).validate('pay-1').verdict.code).toBe(DecisionCode.Allow);
    });

    it('ranks below a revoke and the org kill switch, above the cap', () => {
      expect(given(...locked, deviceRevoked('pay-1')).validate('pay-1').verdict.code).toBe(DecisionCode.DeviceRevoked);
      expect(given(...locked, orgSuspended()).validate('pay-1').verdict.code).toBe(DecisionCode.OrgSuspended);
      const overCap = [...orgExists({ limit: 1 }), ...devicesRegistered('a'), deviceRegistered('b', { team: 'x' })];
      expect(given(...overCap, lockPlaced('L', { labels: { team: 'x' } })).validate('b').verdict.code).toBe(DecisionCode.DeviceLocked);
    });

    it('keeps the seats of locked devices: a lock does not change the active count', () => {
      const state = given(...fleet).when(placeLock('L1', { labels: { team: 'payments' } })).stateAfter();
      expect(state.activeCount).toBe(3);
    });
  });

  describe('timed locks past their time, in the org state', () => {
    const timed = lockPlaced('L1', { labels: { team: 'payments' } }, { expiresAt: plus(60) });
    const untimed = lockPlaced('L2', { deviceId: 'web-1' });
    const lockIds = (...events: OrgEvent[]) => [...foldOrg([...fleet, timed, untimed, ...events]).locks.keys()];

    it('are kept while org events come before their expiry', () => {
      expect(lockIds(deviceRegistered('pay-3', { team: 'payments' }, { at: plus(59) }))).toEqual(['L1', 'L2']);
    });

    it('are dropped by the first org event at or after their expiry; locks without an expiry stay', () => {
      expect(lockIds(deviceRevoked('web-1', 'x', { at: plus(60) }))).toEqual(['L2']);
      expect(lockIds(orgSuspended('incident', { at: plus(3600) }))).toEqual(['L2']);
    });

    it('are dropped before the event itself applies: a lock placed by it stays', () => {
      expect(lockIds(lockPlaced('L3', { deviceId: 'pay-2' }, { at: plus(61), expiresAt: plus(120) }))).toEqual(['L2', 'L3']);
    });

    it('are not dropped by an event whose time cannot be read', () => {
      const noTime = { ...deviceRegistered('pay-4'), data: { ...deviceRegistered('pay-4').data, at: 'not a time' } };
      expect(lockIds(noTime)).toEqual(['L1', 'L2']);
    });

    it('change no verdict at or after the time of the event that dropped them', () => {
      const dropping = deviceRegistered('pay-3', { team: 'payments' }, { at: plus(60) });
      const dropped = foldOrg([...fleet, timed, untimed, dropping]);
      const kept = foldOrg([...fleet, timed, untimed]);
      expect(kept.locks.has('L1')).toBe(true); // no event reached its expiry
      for (const deviceId of ['pay-1', 'pay-2', 'web-1']) {
        for (const at of [plus(60), plus(61), plus(7200)]) {
          expect(decideValidation(dropped, deviceId, Date.parse(at))).toEqual(decideValidation(kept, deviceId, Date.parse(at)));
        }
      }
      expect(decideValidation(dropped, 'pay-3', Date.parse(plus(60))).code).toBe(DecisionCode.Allow);
    });
  });
});
