import {
  TEST_ORG_ID,
  deviceLimitSet,
  deviceRegistered,
  deviceRemoved,
  deviceRestored,
  deviceRevoked,
  devicesRegistered,
  given,
  orgExists,
  orgResumed,
  orgSuspended,
} from '@warden/testing';
import { DecisionCode } from './decision-codes';
import { evolveOrg, foldOrg } from './org.evolve';
import { decideValidation, devicesBeyondCap } from './validation.decide';

/** The decisions' own time (no lock in these specs has an expiry). */
const AT_MS = Date.parse('2030-01-02T03:04:05.000Z');

const { Allow, DeviceNotRegistered, DeviceRevoked, OrgSuspended, LimitExceeded } = DecisionCode;

describe('validate', () => {
  describe('when the device is registered and active, the org active and within its cap', () => {
    it('allows with ALLOW', () => {
      given(...orgExists(), deviceRegistered('d1')).validate('d1').is(Allow);
    });

    it('allows every device when the org is exactly at its cap', () => {
      const atCap = given(...orgExists({ limit: 3 }), ...devicesRegistered('d1', 'd2', 'd3'));
      for (const deviceId of ['d1', 'd2', 'd3']) atCap.validate(deviceId).is(Allow);
    });

    it('allows a restored device', () => {
      given(...orgExists(), deviceRegistered('d1'), deviceRevoked('d1'), deviceRestored('d1')).validate('d1').is(Allow);
    });
  });

  describe('when the device is not registered', () => {
    it('denies an unknown device with DEVICE_NOT_REGISTERED', () => {
      given(...orgExists(), deviceRegistered('d1')).validate('d2').is(DeviceNotRegistered);
    });

    it('denies a removed device with DEVICE_NOT_REGISTERED', () => {
      given(...orgExists(), deviceRegistered('d1'), deviceRemoved('d1')).validate('d1').is(DeviceNotRegistered);
    });

    it('denies a removed device that had been revoked with DEVICE_NOT_REGISTERED', () => {
      given(...orgExists(), deviceRegistered('d1'), deviceRevoked('d1'), deviceRemoved('d1')).validate('d1').is(DeviceNotRegistered);
    });

    it('allows it again once registered again', () => {
      given(...orgExists(), deviceRegistered('d1'), deviceRemoved('d1'), deviceRegistered('d1')).validate('d1').is(Allow);
    });
  });

  describe('when the org is unknown', () => {
    it('denies with DEVICE_NOT_REGISTERED for an org with no events', () => {
      given().validate('d1').is(DeviceNotRegistered);
    });

    it('denies with DEVICE_NOT_REGISTERED when the stream never created the org', () => {
      given(deviceRegistered('d1')).validate('d1').is(DeviceNotRegistered);
    });

    it('denies with DEVICE_NOT_REGISTERED when there is no state at all', () => {
      expect(decideValidation(undefined, 'd1', AT_MS)).toEqual({ allowed: false, code: DeviceNotRegistered });
    });
  });

  describe('when the device is revoked', () => {
    it('denies with DEVICE_REVOKED', () => {
      given(...orgExists(), deviceRegistered('d1'), deviceRevoked('d1')).validate('d1').is(DeviceRevoked);
    });

    it('leaves the other devices allowed', () => {
      given(...orgExists(), ...devicesRegistered('d1', 'd2'), deviceRevoked('d1')).validate('d2').is(Allow);
    });
  });

  describe('when the org is suspended', () => {
    it('denies with ORG_SUSPENDED', () => {
      given(...orgExists(), deviceRegistered('d1'), orgSuspended()).validate('d1').is(OrgSuspended);
    });

    it('allows again once the org is resumed', () => {
      given(...orgExists(), deviceRegistered('d1'), orgSuspended(), orgResumed()).validate('d1').is(Allow);
    });
  });

  describe('when the cap is lowered below the active device count', () => {
    const lowered = given(...orgExists({ limit: 5 }), ...devicesRegistered('d1', 'd2', 'd3', 'd4', 'd5'), deviceLimitSet(3));

    it.each(['d1', 'd2', 'd3'])('allows %s, registered within the cap', (deviceId) => {
      lowered.validate(deviceId).is(Allow);
    });

    it.each(['d4', 'd5'])('denies %s, registered beyond the cap, with LIMIT_EXCEEDED', (deviceId) => {
      lowered.validate(deviceId).is(LimitExceeded);
    });

    it('denies every active device when the cap is zero', () => {
      const zero = given(...orgExists({ limit: 2 }), ...devicesRegistered('d1', 'd2'), deviceLimitSet(0));
      zero.validate('d1').is(LimitExceeded);
      zero.validate('d2').is(LimitExceeded);
    });

    it('applies when a plan change lowers the cap', () => {
      const downgraded = given(
        ...orgExists({ planTier: 'pro' }),
        ...devicesRegistered('d1', 'd2', 'd3', 'd4'),
        deviceLimitSet(3, 'free'),
      );
      downgraded.validate('d3').is(Allow);
      downgraded.validate('d4').is(LimitExceeded);
    });

    it('counts a removed and re-registered device as the newest', () => {
      const scenario = given(
        ...orgExists({ limit: 3 }),
        ...devicesRegistered('d1', 'd2', 'd3'),
        deviceRemoved('d1'),
        deviceRegistered('d1'),
        deviceLimitSet(2),
      );
      scenario.validate('d1').is(LimitExceeded);
      scenario.validate('d2').is(Allow);
      scenario.validate('d3').is(Allow);
    });

    it('keeps a restored device in its original place', () => {
      const scenario = given(
        ...orgExists({ limit: 4 }),
        ...devicesRegistered('d1', 'd2', 'd3'),
        deviceRevoked('d1'),
        deviceRegistered('d4'),
        deviceRestored('d1'),
        deviceLimitSet(2),
      );
      scenario.validate('d1').is(Allow);
      scenario.validate('d2').is(Allow);
      scenario.validate('d3').is(LimitExceeded);
      scenario.validate('d4').is(LimitExceeded);
    });

    it('gives revoked devices no place in the count', () => {
      const scenario = given(...orgExists({ limit: 4 }), ...devicesRegistered('d1', 'd2', 'd3', 'd4'), deviceRevoked('d1'), deviceLimitSet(2));
      scenario.validate('d1').is(DeviceRevoked);
      scenario.validate('d2').is(Allow);
      scenario.validate('d3').is(Allow);
      scenario.validate('d4').is(LimitExceeded);
    });

    it('allows them all again when the cap is raised', () => {
      const raised = given(...orgExists({ limit: 5 }), ...devicesRegistered('d1', 'd2', 'd3', 'd4', 'd5'), deviceLimitSet(3), deviceLimitSet(5));
      for (const deviceId of ['d1', 'd2', 'd3', 'd4', 'd5']) raised.validate(deviceId).is(Allow);
    });

    it('allows the newest again once an older device is removed', () => {
      given(...orgExists({ limit: 3 }), ...devicesRegistered('d1', 'd2', 'd3'), deviceLimitSet(2), deviceRemoved('d1'))
        .validate('d3')
        .is(Allow);
    });

    it('allows the newest again once an older device is revoked', () => {
      given(...orgExists({ limit: 3 }), ...devicesRegistered('d1', 'd2', 'd3'), deviceLimitSet(2), deviceRevoked('d2'))
        .validate('d3')
        .is(Allow);
    });

    it('denies the newest again when a revoked older device is restored', () => {
      given(...orgExists({ limit: 3 }), ...devicesRegistered('d1', 'd2', 'd3'), deviceRevoked('d1'), deviceLimitSet(2), deviceRestored('d1'))
        .validate('d3')
        .is(LimitExceeded);
    });

    it('follows events folded into the same state after an earlier validation', () => {
      const state = foldOrg([...orgExists({ limit: 3 }), ...devicesRegistered('d1', 'd2', 'd3'), deviceLimitSet(2)], TEST_ORG_ID);
      expect(decideValidation(state, 'd3', AT_MS).code).toBe(LimitExceeded);
      evolveOrg(state, deviceRemoved('d1'));
      expect(decideValidation(state, 'd3', AT_MS).code).toBe(Allow);
      evolveOrg(state, deviceRegistered('d4'));
      expect(decideValidation(state, 'd4', AT_MS).code).toBe(LimitExceeded);
      evolveOrg(state, deviceLimitSet(1));
      expect(decideValidation(state, 'd2', AT_MS).code).toBe(Allow);
      expect(decideValidation(state, 'd3', AT_MS).code).toBe(LimitExceeded);
      evolveOrg(state, deviceRevoked('d2'));
      expect(decideValidation(state, 'd3', AT_MS).code).toBe(Allow);
      expect(decideValidation(state, 'd4', AT_MS).code).toBe(LimitExceeded);
      evolveOrg(state, deviceRestored('d2'));
      expect(decideValidation(state, 'd2', AT_MS).code).toBe(Allow);
      expect(decideValidation(state, 'd3', AT_MS).code).toBe(LimitExceeded);
    });
  });

  describe('when several reasons to deny apply', () => {
    const suspendedOverCap = [
      ...orgExists({ limit: 3 }),
      ...devicesRegistered('d1', 'd2', 'd3'),
      deviceRevoked('d1'),
      deviceRemoved('d2'),
      deviceRegistered('d4'),
      deviceLimitSet(1),
      orgSuspended(),
    ];

    it.each([
      ['an unknown device in a suspended org', 'd-unknown', DeviceNotRegistered],
      ['a removed device in a suspended org', 'd2', DeviceNotRegistered],
      ['a revoked device in a suspended org', 'd1', DeviceRevoked],
      ['a device beyond the cap in a suspended org', 'd4', OrgSuspended],
      ['a device within the cap in a suspended org', 'd3', OrgSuspended],
    ] as const)('decides %s as %s', (_case, deviceId, code) => {
      given(...suspendedOverCap).validate(deviceId).is(code);
    });

    it('decides a device beyond the cap as LIMIT_EXCEEDED once the org is resumed', () => {
      given(...suspendedOverCap, orgResumed()).validate('d4').is(LimitExceeded);
    });
  });
});

describe('devicesBeyondCap', () => {
  it('is empty while the active devices fit the cap', () => {
    const state = foldOrg([...orgExists({ limit: 2 }), ...devicesRegistered('d1', 'd2')], TEST_ORG_ID);
    expect([...devicesBeyondCap(state)]).toEqual([]);
  });

  it('names the newest active devices beyond the cap, in registration order', () => {
    const state = foldOrg(
      [...orgExists({ limit: 5 }), ...devicesRegistered('d1', 'd2', 'd3', 'd4', 'd5'), deviceRevoked('d2'), deviceLimitSet(2)],
      TEST_ORG_ID,
    );
    expect([...devicesBeyondCap(state)]).toEqual(['d4', 'd5']);
  });
});
