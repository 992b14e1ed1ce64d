import fc from 'fast-check';
import {
  TEST_ADMIN_KEY_ID,
  TEST_ORG_ID,
  arbitraryOrgStream,
  deviceLimitSet,
  deviceRegistered,
  deviceRemoved,
  deviceRestored,
  deviceRevoked,
  devicesRegistered,
  keyHashOf,
  keyIssued,
  keyRevoked,
  orgCreated,
  orgExists,
  orgResumed,
  orgSuspended,
  snapshot,
  unknownEvent,
} from '@warden/testing';
import { DecisionCode } from './decision-codes';
import type { OrgEvent } from './org.events';
import { evolveOrg, foldOrg } from './org.evolve';
import type { OrgState } from './org.state';
import { decideValidation, devicesBeyondCap } from './validation.decide';

/** The decisions' own time (no lock in these specs has an expiry). */
const AT_MS = Date.parse('2030-01-02T03:04:05.000Z');

const T1 = '2030-03-01T00:00:00.000Z';
const T2 = '2030-03-02T00:00:00.000Z';

function fold(...events: OrgEvent[]): OrgState {
  return foldOrg(events, TEST_ORG_ID);
}

/** Applies `event` to a copy-compared state and asserts nothing changed. */
function expectIgnored(state: OrgState, event: OrgEvent): void {
  const before = snapshot(state);
  expect(evolveOrg(state, event)).toBe(state);
  expect(snapshot(state)).toEqual(before);
}

/**
 * A from-scratch model of the devices: an ordered list, written without the state's Map,
 * counters or memo, to compare the folded state against.
 */
class DeviceModel {
  devices: { id: string; status: 'active' | 'revoked' }[] = [];
  limit = 0;
  suspended = false;

  apply(event: OrgEvent): void {
    const index = 'deviceId' in event.data ? this.devices.findIndex((d) => d.id === (event.data as { deviceId: string }).deviceId) : -1;
    const device = index >= 0 ? this.devices[index] : undefined;
    switch (event.type) {
      case 'OrgCreated':
      case 'DeviceLimitSet':
        this.limit = event.data.limit;
        break;
      case 'OrgSuspended':
        this.suspended = true;
        break;
      case 'OrgResumed':
        this.suspended = false;
        break;
      case 'DeviceRegistered':
        if (device?.status === 'active') break;
        if (device) this.devices.splice(index, 1);
        this.devices.push({ id: event.data.deviceId, status: 'active' });
        break;
      case 'DeviceRevoked':
        if (device) device.status = 'revoked';
        break;
      case 'DeviceRestored':
        if (device) device.status = 'active';
        break;
      case 'DeviceRemoved':
        if (device) this.devices.splice(index, 1);
        break;
    }
  }

  active(): string[] {
    return this.devices.filter((d) => d.status === 'active').map((d) => d.id);
  }

  beyondCap(): string[] {
    return this.active().slice(this.limit);
  }

  validate(deviceId: string): DecisionCode {
    const device = this.devices.find((d) => d.id === deviceId);
    if (!device) return DecisionCode.DeviceNotRegistered;
    if (device.status === 'revoked') return DecisionCode.DeviceRevoked;
    if (this.suspended) return DecisionCode.OrgSuspended;
    if (this.beyondCap().includes(deviceId)) return DecisionCode.LimitExceeded;
    return DecisionCode.Allow;
  }
}

const PROBED = ['d1', 'd2', 'd3', 'd4', 'd5', 'd6', 'never-registered'];

describe('evolveOrg', () => {
  describe('OrgCreated', () => {
    it('makes the org exist with its name, tier and cap', () => {
      const state = fold(orgCreated({ name: 'Acme', planTier: 'pro' }));
      expect(state).toMatchObject({ exists: true, orgId: TEST_ORG_ID, name: 'Acme', planTier: 'pro', limit: 25, suspended: false });
    });
  });

  describe('keys', () => {
    it('records an issued key with its hash, scope and time', () => {
      const state = fold(...orgExists(), keyIssued('k-rt', 'runtime', { at: T1 }));
      expect(state.keys.get('k-rt')).toEqual({ keyId: 'k-rt', keyHash: keyHashOf('k-rt'), scope: 'runtime', issuedAt: T1 });
      expect(state.keys.get(TEST_ADMIN_KEY_ID)?.scope).toBe('admin');
    });

    it('drops a revoked key', () => {
      const state = fold(...orgExists(), keyIssued('k-rt'), keyRevoked('k-rt'));
      expect([...state.keys.keys()]).toEqual([TEST_ADMIN_KEY_ID]);
    });
  });

  describe('DeviceLimitSet', () => {
    it('sets the cap and the tier', () => {
      expect(fold(...orgExists(), deviceLimitSet(40, 'pro'))).toMatchObject({ limit: 40, planTier: 'pro' });
    });
  });

  describe('OrgSuspended and OrgResumed', () => {
    it('engages the kill switch with its reason', () => {
      expect(fold(...orgExists(), orgSuspended('abuse'))).toMatchObject({ suspended: true, suspendedReason: 'abuse' });
    });

    it('releases it and forgets the reason', () => {
      const state = fold(...orgExists(), orgSuspended('abuse'), orgResumed());
      expect(state.suspended).toBe(false);
      expect(state.suspendedReason).toBeUndefined();
    });
  });

  describe('device lifecycle', () => {
    it('registers a device as active, with its labels, time and the next order', () => {
      const state = fold(...orgExists(), deviceRegistered('d1'), deviceRegistered('d2', { zone: 'b' }, { at: T1 }));
      expect(state.devices.get('d2')).toEqual({ deviceId: 'd2', status: 'active', labels: { zone: 'b' }, registeredAt: T1, order: 1 });
      expect(state.activeCount).toBe(2);
    });

    it('marks a revoked device with its time and reason', () => {
      const state = fold(...orgExists(), deviceRegistered('d1'), deviceRevoked('d1', 'stolen', { at: T1 }));
      expect(state.devices.get('d1')).toMatchObject({ status: 'revoked', revokedAt: T1, revokedReason: 'stolen' });
      expect(state.activeCount).toBe(0);
    });

    it('restores a device in its place and clears the revocation', () => {
      const state = fold(...orgExists(), ...devicesRegistered('d1', 'd2'), deviceRevoked('d1'), deviceRestored('d1'));
      expect([...state.devices.keys()]).toEqual(['d1', 'd2']);
      expect(state.devices.get('d1')).toMatchObject({ status: 'active', order: 0 });
      expect(state.devices.get('d1')?.revokedAt).toBeUndefined();
      expect(state.devices.get('d1')?.revokedReason).toBeUndefined();
      expect(state.activeCount).toBe(2);
    });

    it('forgets a removed device', () => {
      const state = fold(...orgExists(), ...devicesRegistered('d1', 'd2'), deviceRemoved('d1'));
      expect([...state.devices.keys()]).toEqual(['d2']);
      expect(state.activeCount).toBe(1);
    });

    it('does not count a removed revoked device twice', () => {
      const state = fold(...orgExists(), ...devicesRegistered('d1', 'd2'), deviceRevoked('d1'), deviceRemoved('d1'));
      expect(state.activeCount).toBe(1);
    });

    it('puts a device registered again after removal at the end, with a new order and time', () => {
      const state = fold(...orgExists(), ...devicesRegistered('d1', 'd2'), deviceRemoved('d1'), deviceRegistered('d1', {}, { at: T2 }));
      expect([...state.devices.keys()]).toEqual(['d2', 'd1']);
      expect(state.devices.get('d1')).toMatchObject({ order: 2, registeredAt: T2 });
    });
  });

  describe('is total', () => {
    const base = (): OrgState => fold(...orgExists(), ...devicesRegistered('d1', 'd2'), deviceRevoked('d2'));

    it.each<[string, OrgEvent]>([
      ['an unknown event type', unknownEvent()],
      ['an unknown event type without data', { type: 'SomethingNew' } as unknown as OrgEvent],
      ['revoking an unknown device', deviceRevoked('nope')],
      ['revoking an already revoked device', deviceRevoked('d2', 'other reason', { at: T2 })],
      ['restoring an active device', deviceRestored('d1')],
      ['restoring an unknown device', deviceRestored('nope')],
      ['removing an unknown device', deviceRemoved('nope')],
      ['registering an already active device', deviceRegistered('d1', { changed: 'labels' }, { at: T2 })],
      ['revoking an unknown key', keyRevoked('k-nope')],
    ])('ignores %s', (_case, event) => {
      expectIgnored(base(), event);
    });

    it('never throws on any stream', () => {
      fc.assert(
        fc.property(arbitraryOrgStream, (events) => {
          expect(() => fold(...events)).not.toThrow();
        }),
      );
    });
  });

  describe('foldOrg', () => {
    it('starts at revision -1 for the org it is given', () => {
      expect(foldOrg([], 'org-x')).toMatchObject({ exists: false, orgId: 'org-x', revision: -1, activeCount: 0 });
    });

    it('counts one revision per event, ignored ones included', () => {
      expect(fold(...orgExists(), deviceRevoked('nope'), unknownEvent()).revision).toBe(3);
    });
  });

  describe('activeCount', () => {
    it('equals the number of active devices after any sequence', () => {
      fc.assert(
        fc.property(arbitraryOrgStream, (events) => {
          const state = foldOrg([], TEST_ORG_ID);
          const model = new DeviceModel();
          for (const event of events) {
            evolveOrg(state, event);
            model.apply(event);
            const active = [...state.devices.values()].filter((d) => d.status === 'active').length;
            expect(state.activeCount).toBe(active);
            expect(state.activeCount).toBe(model.active().length);
          }
        }),
        { numRuns: 300 },
      );
    });
  });

  describe('the devices-beyond-cap memo', () => {
    it('is recomputed after every event that could change it, so it always matches a fresh fold', () => {
      fc.assert(
        fc.property(arbitraryOrgStream, (events) => {
          const state = foldOrg([], TEST_ORG_ID);
          const model = new DeviceModel();
          events.forEach((event, index) => {
            evolveOrg(state, event);
            model.apply(event);
            // Read through the memo after every event, so a stale one would be seen next time.
            expect([...devicesBeyondCap(state)]).toEqual(model.beyondCap());
            expect([...devicesBeyondCap(state)]).toEqual([...devicesBeyondCap(foldOrg(events.slice(0, index + 1), TEST_ORG_ID))]);
            expect([...state.devices.keys()]).toEqual(model.devices.map((d) => d.id));
          });
        }),
        { numRuns: 300 },
      );
    });

    it('keeps validation in step with the events folded in, device by device', () => {
      fc.assert(
        fc.property(arbitraryOrgStream, (events) => {
          const state = foldOrg([], TEST_ORG_ID);
          const model = new DeviceModel();
          for (const event of events) {
            evolveOrg(state, event);
            model.apply(event);
            for (const deviceId of PROBED) expect(decideValidation(state, deviceId, AT_MS).code).toBe(model.validate(deviceId));
          }
        }),
        { numRuns: 300 },
      );
    });

    it.each<[string, OrgEvent]>([
      ['a lower cap', deviceLimitSet(1)],
      ['a registration', deviceRegistered('d9')],
      ['a restore', deviceRestored('d3')],
      ['a revoke', deviceRevoked('d1')],
      ['a removal', deviceRemoved('d1')],
    ])('is dropped by %s', (_case, event) => {
      const state = fold(...orgExists({ limit: 2 }), ...devicesRegistered('d1', 'd2', 'd3'), deviceRevoked('d3'));
      devicesBeyondCap(state);
      expect(state.capDenied).toBeDefined();
      evolveOrg(state, event);
      expect(state.capDenied).toBeUndefined();
    });
  });
});
