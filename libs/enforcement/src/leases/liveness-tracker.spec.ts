import { evolveOrg, foldOrg, type OrgEvent, type OrgState } from '@warden/domain';
import { deviceLeaseExpired, deviceRegistered, deviceRemoved, deviceRestored, deviceRevoked, orgCreated, orgPolicySet } from '@warden/testing';
import { LivenessTracker } from './liveness-tracker';

const T0 = Date.parse('2030-01-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const ORG = 'org-1';

/** An org with leases on (TTL 10 s) and the given devices registered at T0. */
function orgWith(ttl: number | null, ...deviceIds: string[]): OrgState {
  return foldOrg([orgCreated({ orgId: ORG, limit: 5000 }), orgPolicySet(ttl, { orgId: ORG }), ...deviceIds.map((id) => deviceRegistered(id, {}, { orgId: ORG, at: iso(T0) }))], ORG);
}

/** Folds `event` into `state` and tells the tracker, as the projection's observer does. */
function apply(tracker: LivenessTracker, state: OrgState, event: OrgEvent, startMs = T0): void {
  tracker.onOrgEvent(event, evolveOrg(state, event), startMs);
}

const ids = (entries: { deviceId: string }[]) => entries.map((entry) => entry.deviceId).sort();

describe('LivenessTracker', () => {
  describe('watching an org', () => {
    it('gives every active device a full TTL from the given time, and nothing to an org with leases off', () => {
      const tracker = new LivenessTracker();
      tracker.watchOrg(orgWith(10, 'a', 'b'), T0 + 500);
      tracker.watchOrg({ ...orgWith(null, 'c'), orgId: 'org-2' }, T0);

      expect(tracker.lease(ORG, 'a')).toEqual({ lastSeenMs: T0 + 500, expiresAtMs: T0 + 10_500 });
      expect(tracker.lease('org-2', 'c')).toBeUndefined();
      expect(tracker.takeDue(T0 + 10_499)).toEqual([]);
      expect(ids(tracker.takeDue(T0 + 10_500))).toEqual(['a', 'b']);
    });

    it('leaves out devices that are not active', () => {
      const state = orgWith(10, 'a', 'b');
      evolveOrg(state, deviceRevoked('b', 'compromised', { orgId: ORG }));
      const tracker = new LivenessTracker();
      tracker.watchOrg(state, T0);
      expect(tracker.lease(ORG, 'b')).toBeUndefined();
      expect(tracker.size).toBe(1);
    });
  });

  describe('signs of life', () => {
    it('move the deadline forward, never back', () => {
      const tracker = new LivenessTracker();
      tracker.watchOrg(orgWith(10, 'a'), T0);
      tracker.seen(ORG, 'a', T0 + 4000, 'ALLOW');
      tracker.seen(ORG, 'a', T0 + 1000, 'ALLOW');
      expect(tracker.lease(ORG, 'a')?.expiresAtMs).toBe(T0 + 14_000);
    });

    it('count whatever the verdict, unless it says the device is not registered or expired', () => {
      const tracker = new LivenessTracker();
      tracker.watchOrg(orgWith(10, 'a'), T0);
      tracker.seen(ORG, 'a', T0 + 1000, 'ORG_SUSPENDED');
      tracker.seen(ORG, 'a', T0 + 2000, 'LEASE_EXPIRED');
      tracker.seen(ORG, 'a', T0 + 3000, 'DEVICE_NOT_REGISTERED');
      expect(tracker.lease(ORG, 'a')?.lastSeenMs).toBe(T0 + 1000);
    });

    it('of devices without a lease are not kept (no memory for unknown ids)', () => {
      const tracker = new LivenessTracker();
      tracker.watchOrg(orgWith(10, 'a'), T0);
      tracker.seen(ORG, 'ghost', T0 + 1000, 'ALLOW');
      tracker.seen('org-without-leases', 'x', T0 + 1000, 'ALLOW');
      expect(tracker.size).toBe(1);
    });
  });

  describe('deadlines', () => {
    it('hands out only the lapsed devices, and a renewed device when its new deadline comes', () => {
      const tracker = new LivenessTracker();
      tracker.watchOrg(orgWith(10, 'a', 'b'), T0);
      tracker.seen(ORG, 'b', T0 + 3000, 'ALLOW');

      expect(ids(tracker.takeDue(T0 + 10_000))).toEqual(['a']);
      expect(tracker.takeDue(T0 + 12_999)).toEqual([]);
      expect(ids(tracker.takeDue(T0 + 13_000))).toEqual(['b']);
    });

    it('keeps a deadline later in the current second for a later tick', () => {
      const tracker = new LivenessTracker();
      tracker.watchOrg(orgWith(10, 'a'), T0 + 700);
      expect(tracker.takeDue(T0 + 10_200)).toEqual([]);
      expect(ids(tracker.takeDue(T0 + 10_700))).toEqual(['a']);
    });

    it('gives back a requeued device at its deadline or the retry time, whichever is later', () => {
      const tracker = new LivenessTracker();
      tracker.watchOrg(orgWith(10, 'a'), T0);
      const [entry] = tracker.takeDue(T0 + 10_000);
      tracker.requeue(entry!, T0 + 11_000);
      expect(tracker.takeDue(T0 + 10_999)).toEqual([]);
      expect(ids(tracker.takeDue(T0 + 11_000))).toEqual(['a']);
    });

    it('does not look at devices whose bucket has not come (a tick is not a scan)', () => {
      const tracker = new LivenessTracker();
      tracker.watchOrg(orgWith(10, ...Array.from({ length: 1000 }, (_, i) => `d-${i}`)), T0);
      tracker.watchOrg({ ...orgWith(60, 'late'), orgId: 'org-2' }, T0);
      expect(tracker.takeDue(T0 + 9999)).toEqual([]);
      expect(tracker.takeDue(T0 + 10_000)).toHaveLength(1000);
      expect(tracker.takeDue(T0 + 59_999)).toEqual([]);
      expect(ids(tracker.takeDue(T0 + 60_000))).toEqual(['late']);
    });
  });

  describe('org events', () => {
    it('renew on registration and restore, and end the lease on revoke, remove and expiry', () => {
      const state = orgWith(10, 'a', 'b', 'c');
      const tracker = new LivenessTracker();
      tracker.watchOrg(state, T0);

      apply(tracker, state, deviceRegistered('new', {}, { orgId: ORG, at: iso(T0 + 2000) }));
      expect(tracker.lease(ORG, 'new')?.lastSeenMs).toBe(T0 + 2000);
      apply(tracker, state, deviceRevoked('a', 'gone', { orgId: ORG, at: iso(T0 + 3000) }));
      apply(tracker, state, deviceRemoved('b', { orgId: ORG, at: iso(T0 + 3000) }));
      apply(tracker, state, deviceLeaseExpired('c', iso(T0), 10, { orgId: ORG, at: iso(T0 + 10_000) }));
      expect(['a', 'b', 'c'].map((id) => tracker.lease(ORG, id))).toEqual([undefined, undefined, undefined]);

      apply(tracker, state, deviceRestored('a', { orgId: ORG, at: iso(T0 + 5000) }));
      expect(tracker.lease(ORG, 'a')?.lastSeenMs).toBe(T0 + 5000);
      expect(ids(tracker.takeDue(T0 + 100_000))).toEqual(['a', 'new']);
    });

    it('never dates a sign of life before the node started', () => {
      const state = orgWith(10);
      const tracker = new LivenessTracker();
      tracker.watchOrg(state, T0 + 60_000);
      apply(tracker, state, deviceRegistered('old', {}, { orgId: ORG, at: iso(T0) }), T0 + 60_000);
      expect(tracker.lease(ORG, 'old')?.lastSeenMs).toBe(T0 + 60_000);
    });

    it('turning leases on watches every active device from then; turning them off forgets them', () => {
      const state = orgWith(null, 'a', 'b');
      const tracker = new LivenessTracker();
      apply(tracker, state, orgPolicySet(30, { orgId: ORG, at: iso(T0 + 1000) }));
      expect(tracker.lease(ORG, 'b')).toEqual({ lastSeenMs: T0 + 1000, expiresAtMs: T0 + 31_000 });

      apply(tracker, state, orgPolicySet(null, { orgId: ORG, at: iso(T0 + 2000) }));
      expect(tracker.active).toBe(false);
      expect(tracker.takeDue(T0 + 100_000)).toEqual([]);
    });

    it('a new TTL applies to every device from the change, earlier deadlines included', () => {
      const state = orgWith(60, 'a');
      const tracker = new LivenessTracker();
      tracker.watchOrg(state, T0);
      apply(tracker, state, orgPolicySet(10, { orgId: ORG, at: iso(T0 + 1000) }));
      expect(tracker.ttlSeconds(ORG)).toBe(10);
      expect(ids(tracker.takeDue(T0 + 11_000))).toEqual(['a']);
    });
  });

  it('counts the devices whose lease has not lapsed', () => {
    const tracker = new LivenessTracker();
    tracker.watchOrg(orgWith(10, 'a', 'b'), T0);
    tracker.seen(ORG, 'b', T0 + 5000, 'ALLOW');
    expect(tracker.liveCount(ORG, T0 + 9999)).toBe(2);
    expect(tracker.liveCount(ORG, T0 + 10_000)).toBe(1);
  });
});
