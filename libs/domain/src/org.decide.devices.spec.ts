import {
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
  registerDevice,
  removeDevices,
  restoreDevices,
  revokeDevices,
} from '@warden/testing';
import { DecisionCode } from './decision-codes';

const LATER = '2031-06-07T08:09:10.000Z';

describe('decideOrg, device commands', () => {
  describe('RegisterDevice', () => {
    it('registers a new device with its labels', () => {
      given(...orgExists())
        .when(registerDevice('d1', { region: 'eu' }, { at: LATER }))
        .then(deviceRegistered('d1', { region: 'eu' }, { at: LATER }))
        .thenOutcomes(['d1', 'registered']);
    });

    it('registers up to the cap', () => {
      given(...orgExists({ limit: 3 }), ...devicesRegistered('d1', 'd2'))
        .when(registerDevice('d3'))
        .then(deviceRegistered('d3'))
        .thenOutcomes(['d3', 'registered']);
    });

    describe('when the device is already registered and active', () => {
      it('reports exists and emits nothing', () => {
        given(...orgExists(), deviceRegistered('d1')).when(registerDevice('d1', { new: 'labels' })).thenNothingHappens().thenOutcomes(['d1', 'exists']);
      });
    });

    describe('when the org is at its cap', () => {
      const atCap = given(...orgExists({ limit: 2 }), ...devicesRegistered('d1', 'd2')).when(registerDevice('d3'));

      it('refuses with LIMIT_EXCEEDED', () => {
        atCap.thenRefuses(DecisionCode.LimitExceeded);
      });

      it('reports limit_reached', () => {
        atCap.thenOutcomes(['d3', 'limit_reached']);
      });

      it('refuses every registration when the cap is zero', () => {
        given(...orgExists({ limit: 0 })).when(registerDevice('d1')).thenRefuses(DecisionCode.LimitExceeded);
      });

      it('refuses when the cap was lowered below the active count', () => {
        given(...orgExists({ limit: 3 }), ...devicesRegistered('d1', 'd2', 'd3'), deviceLimitSet(1))
          .when(registerDevice('d4'))
          .thenRefuses(DecisionCode.LimitExceeded)
          .thenOutcomes(['d4', 'limit_reached']);
      });
    });

    describe('when a revoked or removed device freed a slot', () => {
      it('registers after a revoke', () => {
        given(...orgExists({ limit: 1 }), deviceRegistered('d1'), deviceRevoked('d1')).when(registerDevice('d2')).then(deviceRegistered('d2'));
      });

      it('registers after a remove', () => {
        given(...orgExists({ limit: 1 }), deviceRegistered('d1'), deviceRemoved('d1')).when(registerDevice('d2')).then(deviceRegistered('d2'));
      });
    });

    describe('when the device is revoked', () => {
      it('refuses with DEVICE_REVOKED and reports revoked', () => {
        given(...orgExists(), deviceRegistered('d1'), deviceRevoked('d1'))
          .when(registerDevice('d1'))
          .thenRefuses(DecisionCode.DeviceRevoked)
          .thenOutcomes(['d1', 'revoked']);
      });

      it('refuses with DEVICE_REVOKED even when the org is suspended too', () => {
        given(...orgExists(), deviceRegistered('d1'), deviceRevoked('d1'), orgSuspended())
          .when(registerDevice('d1'))
          .thenRefuses(DecisionCode.DeviceRevoked);
      });
    });

    describe('when the org is suspended', () => {
      it('refuses with ORG_SUSPENDED and reports suspended', () => {
        given(...orgExists(), orgSuspended())
          .when(registerDevice('d1'))
          .thenRefuses(DecisionCode.OrgSuspended)
          .thenOutcomes(['d1', 'suspended']);
      });

      it('refuses with ORG_SUSPENDED even at the cap', () => {
        given(...orgExists({ limit: 1 }), deviceRegistered('d1'), orgSuspended()).when(registerDevice('d2')).thenRefuses(DecisionCode.OrgSuspended);
      });

      it('registers again once resumed', () => {
        given(...orgExists(), orgSuspended(), orgResumed()).when(registerDevice('d1')).then(deviceRegistered('d1'));
      });
    });

    describe('when the device was removed', () => {
      const reRegistering = given(...orgExists({ limit: 3 }), ...devicesRegistered('d1', 'd2'), deviceRemoved('d1')).when(
        registerDevice('d1', { again: 'yes' }),
      );

      it('registers it again as a new device', () => {
        reRegistering.then(deviceRegistered('d1', { again: 'yes' })).thenOutcomes(['d1', 'registered']);
      });

      it('places it after every device registered before', () => {
        const state = reRegistering.stateAfter();
        expect([...state.devices.keys()]).toEqual(['d2', 'd1']);
        expect(state.devices.get('d1')!.order).toBeGreaterThan(state.devices.get('d2')!.order);
        expect(state.devices.get('d1')!.labels).toEqual({ again: 'yes' });
      });
    });
  });

  describe('RevokeDevices', () => {
    it('revokes one device with the reason and the actor', () => {
      given(...orgExists(), deviceRegistered('d1'))
        .when(revokeDevices(['d1'], 'stolen', { actor: 'key-admin', at: LATER }))
        .then(deviceRevoked('d1', 'stolen', { actor: 'key-admin', at: LATER }))
        .thenOutcomes(['d1', 'revoked']);
    });

    it('revokes a batch in request order', () => {
      given(...orgExists(), ...devicesRegistered('d1', 'd2', 'd3'))
        .when(revokeDevices(['d3', 'd1']))
        .then(deviceRevoked('d3'), deviceRevoked('d1'))
        .thenOutcomes(['d3', 'revoked'], ['d1', 'revoked']);
    });

    it('revokes while the org is suspended', () => {
      given(...orgExists(), deviceRegistered('d1'), orgSuspended()).when(revokeDevices(['d1'])).then(deviceRevoked('d1'));
    });

    describe('when a device is unknown or removed', () => {
      it('reports not_found and revokes the others', () => {
        given(...orgExists(), ...devicesRegistered('d1', 'd2'), deviceRemoved('d2'))
          .when(revokeDevices(['nope', 'd1', 'd2']))
          .then(deviceRevoked('d1'))
          .thenOutcomes(['nope', 'not_found'], ['d1', 'revoked'], ['d2', 'not_found']);
      });
    });

    describe('when a device is already revoked', () => {
      it('reports already_revoked and emits nothing for it', () => {
        given(...orgExists(), deviceRegistered('d1'), deviceRevoked('d1'))
          .when(revokeDevices(['d1']))
          .then()
          .thenOutcomes(['d1', 'already_revoked']);
      });
    });

    describe('when a batch names a device twice', () => {
      it('revokes it once and reports the second as already_revoked', () => {
        given(...orgExists(), ...devicesRegistered('d1', 'd2'))
          .when(revokeDevices(['d1', 'd2', 'd1']))
          .then(deviceRevoked('d1'), deviceRevoked('d2'))
          .thenOutcomes(['d1', 'revoked'], ['d2', 'revoked'], ['d1', 'already_revoked']);
      });
    });

    it('emits nothing for an empty batch', () => {
      given(...orgExists(), deviceRegistered('d1')).when(revokeDevices([])).thenNothingHappens().thenOutcomes();
    });
  });

  describe('RestoreDevices', () => {
    it('restores one revoked device', () => {
      given(...orgExists(), deviceRegistered('d1'), deviceRevoked('d1'))
        .when(restoreDevices(['d1'], { actor: 'key-admin', at: LATER }))
        .then(deviceRestored('d1', { actor: 'key-admin', at: LATER }))
        .thenOutcomes(['d1', 'restored']);
    });

    it('restores a batch in request order', () => {
      given(...orgExists(), ...devicesRegistered('d1', 'd2'), deviceRevoked('d1'), deviceRevoked('d2'))
        .when(restoreDevices(['d2', 'd1']))
        .then(deviceRestored('d2'), deviceRestored('d1'))
        .thenOutcomes(['d2', 'restored'], ['d1', 'restored']);
    });

    describe('when a device is not revoked', () => {
      it('reports not_revoked', () => {
        given(...orgExists(), deviceRegistered('d1')).when(restoreDevices(['d1'])).then().thenOutcomes(['d1', 'not_revoked']);
      });
    });

    describe('when a device is unknown or removed', () => {
      it('reports not_found', () => {
        given(...orgExists(), deviceRegistered('d1'), deviceRevoked('d1'), deviceRemoved('d1'))
          .when(restoreDevices(['d1', 'nope']))
          .then()
          .thenOutcomes(['d1', 'not_found'], ['nope', 'not_found']);
      });
    });

    describe('when a batch names a device twice', () => {
      it('restores it once and reports the second as not_revoked', () => {
        given(...orgExists(), deviceRegistered('d1'), deviceRevoked('d1'))
          .when(restoreDevices(['d1', 'd1']))
          .then(deviceRestored('d1'))
          .thenOutcomes(['d1', 'restored'], ['d1', 'not_revoked']);
      });
    });

    describe('when the cap is reached', () => {
      it('refuses the restore with limit_reached', () => {
        given(...orgExists({ limit: 2 }), ...devicesRegistered('d1', 'd2'), deviceRevoked('d1'), deviceRegistered('d3'))
          .when(restoreDevices(['d1']))
          .then()
          .thenOutcomes(['d1', 'limit_reached']);
      });

      it('restores in request order until the cap, then refuses the rest', () => {
        given(
          ...orgExists({ limit: 3 }),
          ...devicesRegistered('d1', 'd2', 'd3'),
          deviceRevoked('d1'),
          deviceRevoked('d2'),
          deviceRevoked('d3'),
          deviceRegistered('d4'),
        )
          .when(restoreDevices(['d3', 'nope', 'd1', 'd2', 'd1']))
          .then(deviceRestored('d3'), deviceRestored('d1'))
          .thenOutcomes(['d3', 'restored'], ['nope', 'not_found'], ['d1', 'restored'], ['d2', 'limit_reached'], ['d1', 'not_revoked']);
      });

      it('refuses when the cap was lowered below the active count', () => {
        given(...orgExists({ limit: 3 }), ...devicesRegistered('d1', 'd2', 'd3'), deviceRevoked('d1'), deviceLimitSet(1))
          .when(restoreDevices(['d1']))
          .then()
          .thenOutcomes(['d1', 'limit_reached']);
      });
    });
  });

  describe('RemoveDevices', () => {
    it('removes an active device', () => {
      given(...orgExists(), deviceRegistered('d1'))
        .when(removeDevices(['d1'], { actor: 'key-admin', at: LATER }))
        .then(deviceRemoved('d1', { actor: 'key-admin', at: LATER }))
        .thenOutcomes(['d1', 'removed']);
    });

    it('removes a revoked device', () => {
      given(...orgExists(), deviceRegistered('d1'), deviceRevoked('d1')).when(removeDevices(['d1'])).then(deviceRemoved('d1'));
    });

    it('removes a batch in request order', () => {
      given(...orgExists(), ...devicesRegistered('d1', 'd2', 'd3'))
        .when(removeDevices(['d2', 'd1']))
        .then(deviceRemoved('d2'), deviceRemoved('d1'))
        .thenOutcomes(['d2', 'removed'], ['d1', 'removed']);
    });

    describe('when a device is unknown or already removed', () => {
      it('reports not_found', () => {
        given(...orgExists(), deviceRegistered('d1'), deviceRemoved('d1'))
          .when(removeDevices(['d1', 'nope']))
          .then()
          .thenOutcomes(['d1', 'not_found'], ['nope', 'not_found']);
      });
    });

    describe('when a batch names a device twice', () => {
      it('removes it once and reports the second as not_found', () => {
        given(...orgExists(), deviceRegistered('d1'))
          .when(removeDevices(['d1', 'd1']))
          .then(deviceRemoved('d1'))
          .thenOutcomes(['d1', 'removed'], ['d1', 'not_found']);
      });
    });
  });
});
