import { DecisionCode, type OrgEvent, type Verdict } from '@warden/domain';
import type { RecordedEvent } from '@warden/ledger';
import type { PermissionMessage } from './permission-contract';

/** What every message caused by one ledger event shares. */
export interface Origin {
  readonly orgId: string;
  readonly position: string;
  readonly eventId: string;
  readonly at: string;
  /** `at` as epoch ms: verdicts after the event are decided at the event's own time (timed locks). */
  readonly atMs: number;
}

/** The origin of the messages of `recorded`: its position (decimal), ledger event id and the event's own time. */
export function originOf(orgId: string, recorded: RecordedEvent, event: OrgEvent): Origin {
  return { orgId, position: recorded.position.toString(), eventId: recorded.eventId, at: event.data.at, atMs: Date.parse(event.data.at) };
}

/** A device message carrying the device's verdict after the event. */
export function messageOf(origin: Origin, deviceId: string, verdict: Verdict): PermissionMessage {
  return {
    orgId: origin.orgId,
    deviceId,
    allowed: verdict.allowed,
    code: verdict.code,
    position: origin.position,
    eventId: origin.eventId,
    at: origin.at,
  };
}

/** The org-level message: denied with ORG_SUSPENDED while suspended, ALLOW otherwise. */
export function orgMessageOf(origin: Origin, suspended: boolean): PermissionMessage {
  return {
    orgId: origin.orgId,
    deviceId: null,
    allowed: !suspended,
    code: suspended ? DecisionCode.OrgSuspended : DecisionCode.Allow,
    position: origin.position,
    eventId: origin.eventId,
    at: origin.at,
  };
}
