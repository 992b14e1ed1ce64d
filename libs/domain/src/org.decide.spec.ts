import {
  TEST_ADMIN_KEY_ID,
  TEST_ORG_ID,
  createOrg,
  deviceLimitSet,
  devicesRegistered,
  given,
  issueKey,
  keyIssued,
  keyRevoked,
  orgCreated,
  orgExists,
  orgResumed,
  orgSuspended,
  registerDevice,
  removeDevices,
  restoreDevices,
  resumeOrg,
  revokeDevices,
  revokeKey,
  setDeviceLimit,
  suspendOrg,
} from '@warden/testing';
import { decideOrg } from './org.decide';
import type { OrgCommand } from './org.commands';
import { foldOrg } from './org.evolve';
import { MAX_DEVICE_LIMIT } from './plans';

const LATER = '2031-06-07T08:09:10.000Z';

describe('decideOrg', () => {
  describe('CreateOrg', () => {
    it('creates the org and issues its first admin key', () => {
      given()
        .when(createOrg({ planTier: 'pro', name: 'Acme' }))
        .then(orgCreated({ planTier: 'pro', name: 'Acme' }), keyIssued(TEST_ADMIN_KEY_ID, 'admin'));
    });

    it('takes the org id and the time from the command', () => {
      given()
        .when(createOrg({ orgId: 'org-other', at: LATER, limit: 7, planTier: 'custom' }))
        .then(
          orgCreated({ orgId: 'org-other', at: LATER, limit: 7, planTier: 'custom' }),
          keyIssued(TEST_ADMIN_KEY_ID, 'admin', { orgId: 'org-other', at: LATER }),
        );
    });

    it('accepts a cap of zero', () => {
      given()
        .when(createOrg({ planTier: 'custom', limit: 0 }))
        .then(orgCreated({ planTier: 'custom', limit: 0 }), keyIssued(TEST_ADMIN_KEY_ID, 'admin'));
    });

    describe('when the org already exists', () => {
      it('throws org_exists', () => {
        given(...orgExists()).when(createOrg()).thenThrows('org_exists', 'conflict');
      });
    });

    describe('with an invalid limit', () => {
      it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, MAX_DEVICE_LIMIT + 1])('throws invalid_limit for %p', (limit) => {
        given().when(createOrg({ planTier: 'custom', limit })).thenThrows('invalid_limit', 'invalid');
      });
    });
  });

  describe('IssueKey', () => {
    it('issues a runtime key', () => {
      given(...orgExists()).when(issueKey('key-rt', 'runtime')).then(keyIssued('key-rt', 'runtime'));
    });

    it('issues another admin key', () => {
      given(...orgExists()).when(issueKey('key-admin-2', 'admin')).then(keyIssued('key-admin-2', 'admin'));
    });

    describe('when the key id is already an active key', () => {
      it('throws key_exists', () => {
        given(...orgExists(), keyIssued('key-rt')).when(issueKey('key-rt', 'admin')).thenThrows('key_exists', 'conflict');
      });

      it('throws key_exists for the admin key made with the org', () => {
        given(...orgExists()).when(issueKey(TEST_ADMIN_KEY_ID, 'runtime')).thenThrows('key_exists');
      });
    });
  });

  describe('RevokeKey', () => {
    it('revokes a runtime key', () => {
      given(...orgExists(), keyIssued('key-rt')).when(revokeKey('key-rt')).then(keyRevoked('key-rt'));
    });

    it('revokes an admin key while another admin key remains', () => {
      given(...orgExists(), keyIssued('key-admin-2', 'admin'))
        .when(revokeKey(TEST_ADMIN_KEY_ID))
        .then(keyRevoked(TEST_ADMIN_KEY_ID));
    });

    describe('when the key is unknown', () => {
      it('throws key_not_found', () => {
        given(...orgExists()).when(revokeKey('key-nope')).thenThrows('key_not_found', 'not-found');
      });
    });

    describe('when the key was already revoked', () => {
      it('throws key_not_found', () => {
        given(...orgExists(), keyIssued('key-rt'), keyRevoked('key-rt')).when(revokeKey('key-rt')).thenThrows('key_not_found');
      });
    });

    describe('when it is the last admin key', () => {
      it('throws last_admin_key, even with runtime keys left', () => {
        given(...orgExists(), keyIssued('key-rt', 'runtime'))
          .when(revokeKey(TEST_ADMIN_KEY_ID))
          .thenThrows('last_admin_key', 'conflict');
      });

      it('throws last_admin_key once the other admin key is gone', () => {
        given(...orgExists(), keyIssued('key-admin-2', 'admin'), keyRevoked('key-admin-2'))
          .when(revokeKey(TEST_ADMIN_KEY_ID))
          .thenThrows('last_admin_key');
      });
    });
  });

  describe('SetDeviceLimit', () => {
    describe('with a plan tier only', () => {
      it.each([
        ['pro', 25],
        ['scale', 250],
        ['max', 1000],
      ] as const)('sets the %s tier with its default cap %d', (planTier, limit) => {
        given(...orgExists()).when(setDeviceLimit({ planTier })).then(deviceLimitSet(limit, planTier));
      });

      it('goes back to the default cap of a tier from a custom cap', () => {
        given(...orgExists(), deviceLimitSet(7, 'custom')).when(setDeviceLimit({ planTier: 'free' })).then(deviceLimitSet(3, 'free'));
      });
    });

    describe('with a limit only', () => {
      it('sets a custom cap', () => {
        given(...orgExists()).when(setDeviceLimit({ limit: 7 })).then(deviceLimitSet(7, 'custom'));
      });

      it('makes the tier custom even when the limit equals the current one', () => {
        given(...orgExists({ planTier: 'free' })).when(setDeviceLimit({ limit: 3 })).then(deviceLimitSet(3, 'custom'));
      });

      it('may lower the cap below the active device count', () => {
        given(...orgExists({ limit: 3 }), ...devicesRegistered('d1', 'd2', 'd3'))
          .when(setDeviceLimit({ limit: 1 }))
          .then(deviceLimitSet(1, 'custom'));
      });

      it.each([0, MAX_DEVICE_LIMIT])('accepts the bound %p', (limit) => {
        given(...orgExists()).when(setDeviceLimit({ limit })).then(deviceLimitSet(limit, 'custom'));
      });
    });

    describe('with both a limit and a tier', () => {
      it('sets the tier with the given limit', () => {
        given(...orgExists()).when(setDeviceLimit({ planTier: 'pro', limit: 40 })).then(deviceLimitSet(40, 'pro'));
      });

      it('sets a custom tier with its limit', () => {
        given(...orgExists()).when(setDeviceLimit({ planTier: 'custom', limit: 9 })).then(deviceLimitSet(9, 'custom'));
      });

      it('takes the time from the command', () => {
        given(...orgExists())
          .when(setDeviceLimit({ limit: 9 }, { at: LATER }))
          .then(deviceLimitSet(9, 'custom', { at: LATER }));
      });
    });

    describe('with neither', () => {
      it('throws invalid_limit', () => {
        given(...orgExists()).when(setDeviceLimit({})).thenThrows('invalid_limit', 'invalid');
      });
    });

    describe('with the custom tier and no limit', () => {
      it('throws invalid_limit', () => {
        given(...orgExists()).when(setDeviceLimit({ planTier: 'custom' })).thenThrows('invalid_limit', 'invalid');
      });
    });

    describe('with a limit that is not a whole number from 0 to the maximum', () => {
      it.each([-1, 2.5, Number.NaN, Number.POSITIVE_INFINITY, MAX_DEVICE_LIMIT + 1])('throws invalid_limit for %p', (limit) => {
        given(...orgExists()).when(setDeviceLimit({ limit })).thenThrows('invalid_limit', 'invalid');
      });

      it('throws invalid_limit with a tier too', () => {
        given(...orgExists()).when(setDeviceLimit({ limit: -5, planTier: 'pro' })).thenThrows('invalid_limit');
      });
    });

    describe('when nothing would change', () => {
      it('emits nothing for the same tier', () => {
        given(...orgExists({ planTier: 'pro' })).when(setDeviceLimit({ planTier: 'pro' })).thenNothingHappens();
      });

      it('emits nothing for the same custom limit', () => {
        given(...orgExists(), deviceLimitSet(7)).when(setDeviceLimit({ limit: 7 })).thenNothingHappens();
      });

      it('emits nothing for the same tier and limit given together', () => {
        given(...orgExists(), deviceLimitSet(40, 'pro')).when(setDeviceLimit({ limit: 40, planTier: 'pro' })).thenNothingHappens();
      });
    });
  });

  describe('SuspendOrg', () => {
    it('suspends the org with the reason and the actor', () => {
      given(...orgExists())
        .when(suspendOrg('abuse', { actor: 'key-admin', at: LATER }))
        .then(orgSuspended('abuse', { actor: 'key-admin', at: LATER }));
    });

    describe('when the org is already suspended', () => {
      it('emits nothing', () => {
        given(...orgExists(), orgSuspended()).when(suspendOrg('again')).thenNothingHappens();
      });
    });
  });

  describe('ResumeOrg', () => {
    it('resumes a suspended org', () => {
      given(...orgExists(), orgSuspended()).when(resumeOrg({ actor: 'ops' })).then(orgResumed({ actor: 'ops' }));
    });

    describe('when the org is not suspended', () => {
      it('emits nothing', () => {
        given(...orgExists()).when(resumeOrg()).thenNothingHappens();
      });

      it('emits nothing after a resume', () => {
        given(...orgExists(), orgSuspended(), orgResumed()).when(resumeOrg()).thenNothingHappens();
      });
    });
  });

  describe('when the org does not exist', () => {
    const commands: OrgCommand[] = [
      issueKey('key-rt'),
      revokeKey(TEST_ADMIN_KEY_ID),
      setDeviceLimit({ limit: 5 }),
      suspendOrg(),
      resumeOrg(),
      registerDevice('d1'),
      revokeDevices(['d1']),
      restoreDevices(['d1']),
      removeDevices(['d1']),
    ];

    it.each(commands.map((command) => [command.type, command] as const))('%s throws org_not_found', (_type, command) => {
      given().when(command).thenThrows('org_not_found', 'not-found');
    });

    it('covers every command but CreateOrg', () => {
      const types = new Set(commands.map((command) => command.type));
      expect(types.size).toBe(9);
      expect(types.has('CreateOrg')).toBe(false);
    });

    it('names the org in the error', () => {
      expect(() => decideOrg(registerDevice('d1', {}, { orgId: 'org-ghost' }), foldOrg([]))).toThrow('org org-ghost does not exist');
    });
  });

  describe('decisions that change nothing', () => {
    it('do not share their arrays, so a caller that appends to one cannot leak into the next', () => {
      const state = foldOrg([...orgExists(), orgSuspended()], TEST_ORG_ID);
      const first = decideOrg(suspendOrg(), state);
      expect(() => first.events.push(orgResumed())).not.toThrow();
      expect(decideOrg(suspendOrg(), state).events).toEqual([]);
      expect(decideOrg(resumeOrg(), foldOrg([...orgExists()], TEST_ORG_ID)).events).toEqual([]);
    });
  });

  it('an unknown command type throws unknown_command', () => {
    const bogus = { ...suspendOrg(), type: 'Explode' } as unknown as OrgCommand;
    given(...orgExists()).when(bogus).thenThrows('unknown_command', 'invalid');
  });
});
