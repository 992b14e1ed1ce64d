import { DecisionCode } from '@warden/domain';
import { given } from './given-when-then';
import { deviceRegistered, deviceRevoked, orgExists, orgSuspended, registerDevice, revokeDevices, suspendOrg } from './org.fixtures';

/** The helper must fail when the decider does not do what the test says, or every spec using it is hollow. */
describe('given/when/then', () => {
  const org = orgExists({ limit: 1 });

  describe('then', () => {
    it('passes on exactly the emitted events', () => {
      expect(() => given(...org).when(registerDevice('d1')).then(deviceRegistered('d1'))).not.toThrow();
    });

    it('fails on other events', () => {
      expect(() => given(...org).when(registerDevice('d1')).then(deviceRegistered('d2'))).toThrow();
    });

    it('fails on a refusal, even with no events expected', () => {
      expect(() => given(...org, deviceRegistered('d1')).when(registerDevice('d2')).then()).toThrow();
    });

    it('rejects when a scenario is awaited by mistake', async () => {
      const scenario = given(...org).when(registerDevice('d1'));
      await expect(Promise.resolve().then(() => scenario)).rejects.toThrow('not a promise');
    });
  });

  describe('thenRefuses', () => {
    it('fails when the command is not refused', () => {
      expect(() => given(...org).when(registerDevice('d1')).thenRefuses(DecisionCode.LimitExceeded)).toThrow();
    });

    it('fails on another refusal code', () => {
      expect(() =>
        given(...org, orgSuspended()).when(registerDevice('d1')).thenRefuses(DecisionCode.LimitExceeded),
      ).toThrow();
    });
  });

  describe('thenOutcomes', () => {
    it('fails on outcomes in another order', () => {
      expect(() =>
        given(...org, deviceRegistered('d1'))
          .when(revokeDevices(['d1', 'nope']))
          .thenOutcomes(['nope', 'not_found'], ['d1', 'revoked']),
      ).toThrow();
    });
  });

  describe('thenNothingHappens', () => {
    it('fails when events are emitted', () => {
      expect(() => given(...org).when(suspendOrg()).thenNothingHappens()).toThrow();
    });
  });

  describe('thenThrows', () => {
    it('fails when decide does not throw', () => {
      expect(() => given(...org).when(registerDevice('d1')).thenThrows('org_not_found')).toThrow();
    });

    it('fails on another error code', () => {
      expect(() => given().when(registerDevice('d1')).thenThrows('org_exists')).toThrow();
    });
  });

  describe('validate', () => {
    it('fails on another code', () => {
      expect(() => given(...org, deviceRegistered('d1'), deviceRevoked('d1')).validate('d1').is(DecisionCode.Allow)).toThrow();
    });
  });
});
