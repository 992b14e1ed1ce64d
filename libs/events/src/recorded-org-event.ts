import { evolveOrg, LedgerIntegrityError, type OrgEvent, type OrgState } from '@warden/domain';
import type { RecordedEvent } from '@warden/ledger';
import { parseOrgEvent } from './org-event.schemas';

/**
 * Parses a recorded control event with its zod schema. Undefined for a type this version does
 * not know (evolve ignores it); a known type with a malformed payload is a LedgerIntegrityError
 * naming the event, the one way every reader reports it.
 */
export function parseRecordedOrgEvent(recorded: RecordedEvent): OrgEvent | undefined {
  try {
    return parseOrgEvent(recorded.type, recorded.data);
  } catch {
    throw new LedgerIntegrityError(
      `${recorded.streamId}@${recorded.revision}: ${recorded.type} payload does not match its schema`,
      recorded.streamId,
      recorded.revision,
      recorded.position,
    );
  }
}

/**
 * Runs around the evolve step of a fold: a reader that needs the state before and after an
 * event (the relay's verdict diff, audit visitors) calls `evolve()` between the two.
 */
export type AroundEvolve = (event: OrgEvent, evolve: () => void) => void;

const evolveOnly: AroundEvolve = (_event, evolve) => evolve();

/**
 * The fold of one recorded org event, shared by the projection, the relay and audit: parse
 * (unless the caller already did), `evolveOrg`, then stand the state at the event's revision.
 * Returns the parsed event, undefined for an unknown type (the revision still moves).
 */
export function foldRecordedOrgEvent(
  state: OrgState,
  recorded: RecordedEvent,
  around: AroundEvolve = evolveOnly,
  event: OrgEvent | undefined = parseRecordedOrgEvent(recorded),
): OrgEvent | undefined {
  if (event) around(event, () => evolveOrg(state, event));
  state.revision = Number(recorded.revision);
  return event;
}
