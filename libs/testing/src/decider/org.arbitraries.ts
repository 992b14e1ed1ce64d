import fc from 'fast-check';
import type { OrgCommand, OrgEvent } from '@warden/domain';
import {
  deviceLimitSet,
  deviceRegistered,
  deviceRemoved,
  deviceRestored,
  deviceRevoked,
  issueKey,
  keyIssued,
  keyRevoked,
  orgCreated,
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
  createOrg,
} from './org.fixtures';

/**
 * fast-check arbitraries for org streams. Device and key ids come from small pools so that
 * sequences revisit the same device (revoke, restore, remove, register again) and caps are
 * small so that they are crossed often.
 */
export const DEVICE_POOL = ['d1', 'd2', 'd3', 'd4', 'd5', 'd6'] as const;
export const KEY_POOL = ['k1', 'k2', 'k3'] as const;

const deviceId = fc.constantFrom(...DEVICE_POOL);
const keyId = fc.constantFrom(...KEY_POOL);
const smallLimit = fc.integer({ min: 0, max: 7 });
const planTier = fc.constantFrom('free', 'pro', 'scale', 'max', 'custom' as const);

/** An event of a type this domain does not know, as a newer writer might leave in a stream. */
export function unknownEvent(): OrgEvent {
  return { type: 'DeviceRenamed', data: { orgId: 'org-test', at: 'whenever', deviceId: 'd1' } } as unknown as OrgEvent;
}

/** Any control event after `OrgCreated`, including ones that do not apply to the state. */
export const arbitraryLaterOrgEvent: fc.Arbitrary<OrgEvent> = fc.oneof(
  { weight: 5, arbitrary: deviceId.map((id) => deviceRegistered(id)) },
  { weight: 3, arbitrary: deviceId.map((id) => deviceRevoked(id)) },
  { weight: 3, arbitrary: deviceId.map((id) => deviceRestored(id)) },
  { weight: 2, arbitrary: deviceId.map((id) => deviceRemoved(id)) },
  { weight: 2, arbitrary: fc.tuple(smallLimit, planTier).map(([limit, tier]) => deviceLimitSet(limit, tier)) },
  { weight: 1, arbitrary: fc.constant(null).map(() => orgSuspended()) },
  { weight: 1, arbitrary: fc.constant(null).map(() => orgResumed()) },
  { weight: 1, arbitrary: fc.tuple(keyId, fc.constantFrom('admin', 'runtime' as const)).map(([id, scope]) => keyIssued(id, scope)) },
  { weight: 1, arbitrary: keyId.map((id) => keyRevoked(id)) },
  { weight: 1, arbitrary: fc.constant(null).map(() => unknownEvent()) },
);

/** A whole org stream: `OrgCreated` with a small cap, then any events. */
export const arbitraryOrgStream: fc.Arbitrary<OrgEvent[]> = fc
  .tuple(smallLimit, fc.array(arbitraryLaterOrgEvent, { maxLength: 40 }))
  .map(([limit, rest]) => [orgCreated({ limit, planTier: 'custom' }), ...rest]);

const deviceIds = fc.array(deviceId, { maxLength: 5 });

/** Any command, valid or not for the state it meets. */
export const arbitraryOrgCommand: fc.Arbitrary<OrgCommand> = fc.oneof(
  fc.constant(null).map(() => createOrg()),
  fc.tuple(keyId, fc.constantFrom('admin', 'runtime' as const)).map(([id, scope]) => issueKey(id, scope)),
  keyId.map((id) => revokeKey(id)),
  fc
    .record({ limit: fc.option(fc.integer({ min: -2, max: 8 }), { nil: undefined }), planTier: fc.option(planTier, { nil: undefined }) })
    .map((data) => setDeviceLimit(data)),
  fc.constant(null).map(() => suspendOrg()),
  fc.constant(null).map(() => resumeOrg()),
  deviceId.map((id) => registerDevice(id)),
  deviceIds.map((ids) => revokeDevices(ids)),
  deviceIds.map((ids) => restoreDevices(ids)),
  deviceIds.map((ids) => removeDevices(ids)),
);
