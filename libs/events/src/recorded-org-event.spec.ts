import { initialOrgState, LedgerIntegrityError, type OrgEvent } from '@warden/domain';
import type { RecordedEvent } from '@warden/ledger';
import { deviceRegistered, orgCreated, TEST_ORG_ID } from '@warden/testing';
import { foldRecordedOrgEvent, parseRecordedOrgEvent } from './recorded-org-event';

function recorded(event: { type: string; data: unknown }, revision: bigint): RecordedEvent {
  return {
    streamId: `org-${TEST_ORG_ID}`,
    revision,
    position: 100n + revision,
    eventId: `e${revision}`,
    type: event.type,
    data: event.data,
    metadata: { actor: 'admin', correlationId: 'c', prevHash: '0'.repeat(64), hash: '1'.repeat(64) },
  };
}

describe('foldRecordedOrgEvent', () => {
  it('parses, evolves and stands the state at the event revision', () => {
    const state = initialOrgState(TEST_ORG_ID);
    foldRecordedOrgEvent(state, recorded(orgCreated(), 0n));
    const event = foldRecordedOrgEvent(state, recorded(deviceRegistered('d1'), 1n));
    expect(event?.type).toBe('DeviceRegistered');
    expect(state.revision).toBe(1);
    expect([...state.devices.keys()]).toEqual(['d1']);
  });

  it('moves the revision past an unknown event type and returns undefined', () => {
    const state = initialOrgState(TEST_ORG_ID);
    expect(foldRecordedOrgEvent(state, recorded({ type: 'FromTheFuture', data: { x: 1 } }, 0n))).toBeUndefined();
    expect(state.revision).toBe(0);
    expect(state.exists).toBe(false);
  });

  it('runs the around hook with the state before evolve, then after', () => {
    const state = initialOrgState(TEST_ORG_ID);
    const seen: string[] = [];
    foldRecordedOrgEvent(state, recorded(orgCreated(), 0n), (event: OrgEvent, evolve) => {
      seen.push(`${event.type} before: exists=${state.exists}`);
      evolve();
      seen.push(`after: exists=${state.exists}`);
    });
    expect(seen).toEqual(['OrgCreated before: exists=false', 'after: exists=true']);
  });

  it('throws LedgerIntegrityError naming the event for a malformed payload of a known type, leaving the state as it was', () => {
    const state = initialOrgState(TEST_ORG_ID);
    const bad = recorded({ type: 'DeviceRegistered', data: { orgId: TEST_ORG_ID } }, 3n);
    const error = (() => {
      try {
        foldRecordedOrgEvent(state, bad);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(LedgerIntegrityError);
    expect(error).toMatchObject({ code: 'ledger_integrity', streamId: bad.streamId, revision: 3n, position: 103n });
    expect(state.revision).toBe(-1);
  });
});

describe('parseRecordedOrgEvent', () => {
  it('gives the typed event of a well-formed payload', () => {
    expect(parseRecordedOrgEvent(recorded(deviceRegistered('d9'), 2n))).toMatchObject({ type: 'DeviceRegistered', data: { deviceId: 'd9' } });
  });
});
