import { deviceRegistered, deviceRevoked, given, lockLifted, lockPlaced, orgExists, TEST_AT } from '@warden/testing';
import { lockedDeviceCount, locksInForce } from './lock.queries';

const plus = (seconds: number) => Date.parse(TEST_AT) + seconds * 1000;
const iso = (seconds: number) => new Date(plus(seconds)).toISOString();

const fleet = [
  ...orgExists({ limit: 10 }),
  deviceRegistered('pay-1', { team: 'payments', env: 'prod' }),
  deviceRegistered('pay-2', { team: 'payments', env: 'staging' }),
  deviceRegistered('pay-3', { team: 'payments', env: 'prod' }),
  deviceRegistered('web-1', { team: 'web', env: 'prod' }),
];

describe('locksInForce', () => {
  it('lists the locks placed and not lifted, in placement order, leaving out timed locks past their time', () => {
    const state = given(
      ...fleet,
      lockPlaced('L1', { deviceId: 'web-1' }),
      lockPlaced('L2', { labels: { team: 'payments' } }, { expiresAt: iso(60) }),
      lockPlaced('L3', { labels: { env: 'prod' } }),
      lockLifted('L3'),
      lockPlaced('L4', { labels: { env: 'staging' } }, { expiresAt: iso(120) }),
    ).state();
    expect(locksInForce(state, plus(59)).map((lock) => lock.lockId)).toEqual(['L1', 'L2', 'L4']);
    expect(locksInForce(state, plus(60)).map((lock) => lock.lockId)).toEqual(['L1', 'L4']);
    expect(locksInForce(state, plus(120)).map((lock) => lock.lockId)).toEqual(['L1']);
  });
});

describe('lockedDeviceCount', () => {
  const state = given(...fleet, deviceRevoked('pay-3')).state();

  it('counts the active devices that carry every label of the selector', () => {
    expect(lockedDeviceCount(state, { labels: { team: 'payments' } })).toBe(2);
    expect(lockedDeviceCount(state, { labels: { env: 'prod' } })).toBe(2);
    expect(lockedDeviceCount(state, { labels: { team: 'payments', env: 'prod' } })).toBe(1);
    expect(lockedDeviceCount(state, { labels: { team: 'ops' } })).toBe(0);
  });

  it('counts the named device when it is registered, active and carries the labels', () => {
    expect(lockedDeviceCount(state, { deviceId: 'web-1' })).toBe(1);
    expect(lockedDeviceCount(state, { deviceId: 'web-1', labels: { team: 'payments' } })).toBe(0);
    expect(lockedDeviceCount(state, { deviceId: 'pay-3' })).toBe(0);
    expect(lockedDeviceCount(state, { deviceId: 'not-yet' })).toBe(0);
  });
});
