/**
 * Canonical JSON (RFC 8785) of the two shapes hashed most: a decision record's data and an
 * event's metadata without its hash. Each writes the members in their canonical order
 * directly, skipping the key sort and the recursion of canonicalJson; any value of another
 * shape gets undefined, and the caller falls back to canonicalJson. A property test checks
 * that both give exactly canonicalJson's output. (The chain is hashed on every append and on
 * every replay and verify: this is most of their cost beyond reading.)
 */

const DECISION_KEYS = ['decisionId', 'orgId', 'deviceId', 'action', 'allowed', 'code', 'orgRevision', 'decidedAt'];
const hasOwn = Object.prototype.hasOwnProperty;

/** `{action, allowed, code, decidedAt, decisionId, deviceId, orgId, orgRevision}` with their exact types. */
export function canonicalDecisionData(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const d = value as Record<string, unknown>;
  if (Object.keys(d).length !== DECISION_KEYS.length) return undefined;
  for (const key of DECISION_KEYS) if (!hasOwn.call(d, key)) return undefined;
  const { action, allowed, code, decidedAt, decisionId, deviceId, orgId, orgRevision } = d;
  if (
    typeof action !== 'string' ||
    typeof allowed !== 'boolean' ||
    typeof code !== 'string' ||
    typeof decidedAt !== 'string' ||
    typeof decisionId !== 'string' ||
    typeof deviceId !== 'string' ||
    typeof orgId !== 'string' ||
    !Number.isSafeInteger(orgRevision)
  ) {
    return undefined;
  }
  return (
    `{"action":${JSON.stringify(action)},"allowed":${allowed},"code":${JSON.stringify(code)},` +
    `"decidedAt":${JSON.stringify(decidedAt)},"decisionId":${JSON.stringify(decisionId)},` +
    `"deviceId":${JSON.stringify(deviceId)},"orgId":${JSON.stringify(orgId)},"orgRevision":${String(orgRevision)}}`
  );
}

/**
 * Metadata as hashed: string `actor`, `correlationId` and `prevHash`, an optional string
 * `causationId`, and `hash` absent or undefined; nothing else.
 */
export function canonicalLinkMetadata(value: { [key: string]: unknown }): string | undefined {
  const { actor, causationId, correlationId, prevHash } = value;
  if (typeof actor !== 'string' || typeof correlationId !== 'string' || typeof prevHash !== 'string' || value.hash !== undefined) return undefined;
  let keys = 3;
  if (hasOwn.call(value, 'hash')) keys++;
  if (causationId !== undefined) {
    if (typeof causationId !== 'string') return undefined;
    keys++;
  } else if (hasOwn.call(value, 'causationId')) keys++;
  if (Object.keys(value).length !== keys) return undefined;
  const causation = causationId === undefined ? '' : `"causationId":${JSON.stringify(causationId)},`;
  return `{"actor":${JSON.stringify(actor)},${causation}"correlationId":${JSON.stringify(correlationId)},"prevHash":${JSON.stringify(prevHash)}}`;
}
