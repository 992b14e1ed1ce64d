import {
  TEST_ORG_ID,
  deviceLimitSet,
  deviceRegistered,
  deviceRemoved,
  deviceRevoked,
  devicesRegistered,
  keyIssued,
  lockPlaced,
  orgExists,
  orgResumed,
  orgSuspended,
} from '@warden/testing';
import type { OrgEvent } from './org.events';
import { evolveOrg, foldOrg } from './org.evolve';
import { foldPermissionChanges } from './permission-changes';

const AT_MS = Date.parse('2030-01-02T03:04:05.000Z');

/** Folds `history`, then `event` through foldPermissionChanges; returns the changes as [deviceId, code]. */
function changesOf(history: OrgEvent[], event: OrgEvent): Array<[string, string]> {
  const state = foldOrg(history, TEST_ORG_ID);
  const changes = foldPermissionChanges(state, event, () => evolveOrg(state, event), AT_MS);
  return changes.map((change) => [change.deviceId, change.verdict.code]);
}

describe('foldPermissionChanges', () => {
  const three = [...orgExists({ limit: 3 }), ...devicesRegistered('d1', 'd2', 'd3')];

  it('a revoke changes that device only', () => {
    expect(changesOf(three, deviceRevoked('d2'))).toEqual([['d2', 'DEVICE_REVOKED']]);
  });

  it('a suspend changes the active devices, not a revoked one (its code outranks the suspend) nor any in an org already suspended; resume changes them back', () => {
    expect(changesOf([...three, deviceRevoked('d2')], orgSuspended())).toEqual([
      ['d1', 'ORG_SUSPENDED'],
      ['d3', 'ORG_SUSPENDED'],
    ]);
    expect(changesOf([...three, orgSuspended()], orgSuspended())).toEqual([]);
    expect(changesOf([...three, deviceRevoked('d2'), orgSuspended()], orgResumed())).toEqual([
      ['d1', 'ALLOW'],
      ['d3', 'ALLOW'],
    ]);
  });

  it('a cap lowered below the active count changes the newest registrations beyond it; removing one of the allowed shifts the next one back in', () => {
    expect(changesOf(three, deviceLimitSet(1))).toEqual([
      ['d2', 'LIMIT_EXCEEDED'],
      ['d3', 'LIMIT_EXCEEDED'],
    ]);
    expect(changesOf([...three, deviceLimitSet(2)], deviceRemoved('d1'))).toEqual([
      ['d1', 'DEVICE_NOT_REGISTERED'],
      ['d3', 'ALLOW'],
    ]);
  });

  it('a lock changes the devices it selects, and events that touch no permission change nothing', () => {
    const labelled = [...orgExists({ limit: 3 }), deviceRegistered('d1', { team: 'red' }), deviceRegistered('d2', { team: 'blue' })];
    expect(changesOf(labelled, lockPlaced('l1', { labels: { team: 'red' } }))).toEqual([['d1', 'DEVICE_LOCKED']]);
    expect(changesOf(labelled, keyIssued('rt-1'))).toEqual([]);
    expect(changesOf(three, deviceLimitSet(5))).toEqual([]);
  });

  it('folds the event whatever it changes', () => {
    const state = foldOrg(three, TEST_ORG_ID);
    const event = deviceLimitSet(5);
    foldPermissionChanges(state, event, () => evolveOrg(state, event), AT_MS);
    expect(state.limit).toBe(5);
  });
});
