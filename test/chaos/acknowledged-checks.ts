import type { RecordedEvent } from '@warden/ledger';
import type { Exchange } from './exchange-log';
import type { LedgerFacts } from './ledger-facts';

/** The ledger event a revoke or restore answer was written as: its correlation id is the answer's request_id. */
export function eventOfCommand(facts: LedgerFacts, exchange: Exchange, type: string): RecordedEvent | undefined {
  const events = facts.orgEvents.get(exchange.orgId) ?? [];
  return events.find((event) => event.type === type && event.metadata.correlationId === exchange.answer.request_id);
}

/**
 * Holds one acknowledged (2xx) command against the ledger; returns what is wrong, or undefined.
 * A command that wrote events must be found as those events; a command answered at ledger
 * position P (written or a no-op) must be visible in the org's state folded up to P.
 */
export async function checkAcknowledged(facts: LedgerFacts, exchange: Exchange): Promise<string | undefined> {
  const { answer, body } = exchange;
  const where = `#${exchange.seq} ${exchange.kind} ${JSON.stringify(body)} (life ${exchange.life}) answered ${JSON.stringify(answer)}`;
  switch (exchange.kind) {
    case 'create': {
      const first = facts.orgEvents.get(answer.orgId)?.[0];
      return first?.type === 'OrgCreated' ? undefined : `${where}: no OrgCreated in the ledger`;
    }
    case 'register': {
      const registered = (facts.orgEvents.get(exchange.orgId) ?? []).some(
        (event) => event.type === 'DeviceRegistered' && (event.data as { deviceId: string }).deviceId === exchange.deviceId,
      );
      return registered ? undefined : `${where}: no DeviceRegistered in the ledger`;
    }
    case 'revoke':
    case 'unrevoke': {
      const wrote = answer.result === (exchange.kind === 'revoke' ? 'revoked' : 'restored');
      if (wrote) {
        const type = exchange.kind === 'revoke' ? 'DeviceRevoked' : 'DeviceRestored';
        const event = eventOfCommand(facts, exchange, type);
        if (!event) return `${where}: no ${type} with correlation id ${answer.request_id}`;
        if (event.position !== BigInt(answer.position)) return `${where}: its event is at ${event.position}, not at the answered position`;
        if ((event.data as { deviceId: string }).deviceId !== exchange.deviceId) return `${where}: its event names another device`;
      }
      const device = (await facts.stateAt(exchange.orgId, BigInt(answer.position))).devices.find((entry) => entry.deviceId === exchange.deviceId);
      const expected = exchange.kind === 'revoke' ? 'revoked' : 'active';
      return device?.status === expected ? undefined : `${where}: at its position the device is ${device?.status ?? 'unknown'}, not ${expected}`;
    }
    case 'limits': {
      const state = await facts.stateAt(exchange.orgId, BigInt(answer.position));
      return state.limit === body.limit ? undefined : `${where}: at its position the limit is ${state.limit}`;
    }
    case 'suspend':
    case 'resume': {
      const state = await facts.stateAt(exchange.orgId, BigInt(answer.position));
      return state.suspended === (exchange.kind === 'suspend') ? undefined : `${where}: at its position suspended is ${state.suspended}`;
    }
    case 'policy': {
      const state = await facts.stateAt(exchange.orgId, BigInt(answer.position));
      const events = facts.orgEvents.get(exchange.orgId) ?? [];
      const last = events.filter((event) => event.position <= BigInt(answer.position) && event.type === 'OrgPolicySet').at(-1);
      const ttl = last === undefined ? null : (last.data as { leaseTtlSeconds: number | null }).leaseTtlSeconds;
      return state.exists && ttl === body.leaseTtlSeconds ? undefined : `${where}: at its position leaseTtlSeconds is ${ttl}`;
    }
    case 'lock':
    case 'unlock': {
      const type = exchange.kind === 'lock' ? 'LockPlaced' : 'LockLifted';
      const lockId = exchange.kind === 'lock' ? answer.lockId : body.lockId;
      const event = eventOfCommand(facts, exchange, type) ?? (facts.orgEvents.get(exchange.orgId) ?? []).find((e) => e.type === type && (e.data as { lockId: string }).lockId === lockId);
      if (!event) return `${where}: no ${type} of lock ${lockId}`;
      if ((event.data as { lockId: string }).lockId !== lockId) return `${where}: its event names lock ${(event.data as { lockId: string }).lockId}`;
      return event.position === BigInt(answer.position) ? undefined : `${where}: its event is at ${event.position}, not at the answered position`;
    }
    case 'validate':
    case 'heartbeat':
      return undefined;
  }
}

/**
 * The decision an answer reports, when it reports one: a validate answer (200), or a
 * register refusal (403 with a request_id), which is a decision record too.
 */
export function answeredDecision(exchange: Exchange): { decisionId: string; allowed: boolean; code: string | undefined } | undefined {
  if ((exchange.kind === 'validate' || exchange.kind === 'heartbeat') && exchange.status === 200) {
    return { decisionId: exchange.answer.request_id, allowed: exchange.answer.allowed, code: exchange.answer.code };
  }
  if (exchange.kind === 'register' && exchange.status === 403 && typeof exchange.answer?.request_id === 'string') {
    return { decisionId: exchange.answer.request_id, allowed: false, code: undefined };
  }
  return undefined;
}
