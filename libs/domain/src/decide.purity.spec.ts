import fc from 'fast-check';
import { DEVICE_POOL, TEST_ORG_ID, arbitraryOrgCommand, arbitraryOrgStream, snapshot } from '@warden/testing';
import type { OrgCommand } from './org.commands';
import { decideOrg, type OrgDecision } from './org.decide';
import { foldOrg } from './org.evolve';
import { decideValidation, devicesBeyondCap } from './validation.decide';
import { WardenError } from './warden-error';

/** The decisions' own time (no lock in these specs has an expiry). */
const AT_MS = Date.parse('2030-01-02T03:04:05.000Z');

/** decideOrg's answer, or the code of the WardenError it threw: both are outputs to compare. */
function outcomeOf(command: OrgCommand, events: Parameters<typeof foldOrg>[0]): OrgDecision | { thrown: string } {
  try {
    return decideOrg(command, foldOrg(events, TEST_ORG_ID));
  } catch (error) {
    if (error instanceof WardenError) return { thrown: error.code };
    throw error;
  }
}

const PROBED = [...DEVICE_POOL, 'never-registered'];

describe('decide', () => {
  describe('decideOrg', () => {
    it('never changes the state it reads, for any stream and command', () => {
      fc.assert(
        fc.property(arbitraryOrgStream, arbitraryOrgCommand, (events, command) => {
          const state = foldOrg(events, TEST_ORG_ID);
          devicesBeyondCap(state); // a warm memo must survive too
          const before = snapshot(state);
          try {
            decideOrg(command, state);
          } catch (error) {
            if (!(error instanceof WardenError)) throw error;
          }
          expect(snapshot(state)).toEqual(before);
        }),
        { numRuns: 500 },
      );
    });

    it('only throws WardenErrors', () => {
      fc.assert(
        fc.property(arbitraryOrgStream, arbitraryOrgCommand, (events, command) => {
          expect(() => outcomeOf(command, events)).not.toThrow();
        }),
      );
    });
  });

  describe('decideValidation', () => {
    it('changes nothing in the state but its cap memo, which then matches a fresh computation', () => {
      fc.assert(
        fc.property(arbitraryOrgStream, (events) => {
          const state = foldOrg(events, TEST_ORG_ID);
          const before = snapshot(state, { withoutMemo: true });
          for (const deviceId of PROBED) decideValidation(state, deviceId, AT_MS);
          expect(snapshot(state, { withoutMemo: true })).toEqual(before);
          if (state.capDenied) expect([...state.capDenied]).toEqual([...devicesBeyondCap(foldOrg(events, TEST_ORG_ID))]);
        }),
      );
    });
  });

  describe('never reads the clock', () => {
    const COMMAND_AT = '2001-02-03T04:05:06.789Z';
    const WEIRD_NOW = new Date('1987-06-05T04:03:02.001Z');

    beforeEach(() => {
      jest.useFakeTimers({ now: WEIRD_NOW });
    });

    afterEach(() => {
      jest.useRealTimers();
    });

    it('decideOrg puts only the command time on the events, whatever the system time', () => {
      fc.assert(
        fc.property(arbitraryOrgStream, arbitraryOrgCommand, (events, command) => {
          const timed = { ...command, at: COMMAND_AT } as OrgCommand;
          const decision = outcomeOf(timed, events);
          if ('events' in decision) {
            for (const event of decision.events) expect(event.data.at).toBe(COMMAND_AT);
          }
          const text = JSON.stringify(decision);
          expect(text).not.toContain('1987');
          expect(text).not.toContain(String(WEIRD_NOW.getTime()));
        }),
      );
    });

    it('decideOrg and decideValidation answer the same at any system time', () => {
      fc.assert(
        fc.property(arbitraryOrgStream, arbitraryOrgCommand, fc.date({ noInvalidDate: true }), (events, command, now) => {
          const first = outcomeOf(command, events);
          const firstVerdicts = PROBED.map((id) => decideValidation(foldOrg(events, TEST_ORG_ID), id, AT_MS));
          jest.setSystemTime(now);
          expect(outcomeOf(command, events)).toEqual(first);
          expect(PROBED.map((id) => decideValidation(foldOrg(events, TEST_ORG_ID), id, AT_MS))).toEqual(firstVerdicts);
        }),
      );
    });

    it('neither calls Date nor performance.now', () => {
      const dateNow = jest.spyOn(Date, 'now');
      const perfNow = jest.spyOn(performance, 'now');
      const RealDate = Date;
      let constructed = 0;
      // A Date that counts constructions, to catch `new Date()` as well as Date.now().
      globalThis.Date = new Proxy(RealDate, {
        construct(target, args) {
          constructed++;
          return Reflect.construct(target, args);
        },
      });
      try {
        fc.assert(
          fc.property(arbitraryOrgStream, arbitraryOrgCommand, (events, command) => {
            const state = foldOrg(events, TEST_ORG_ID);
            dateNow.mockClear();
            perfNow.mockClear();
            constructed = 0;
            try {
              decideOrg(command, state);
            } catch (error) {
              if (!(error instanceof WardenError)) throw error;
            }
            for (const id of PROBED) decideValidation(state, id, AT_MS);
            expect(dateNow).not.toHaveBeenCalled();
            expect(perfNow).not.toHaveBeenCalled();
            expect(constructed).toBe(0);
          }),
        );
      } finally {
        globalThis.Date = RealDate;
        dateNow.mockRestore();
        perfNow.mockRestore();
      }
    });
  });
});
