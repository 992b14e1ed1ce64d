/**
 * The one builder for ledger stream names. Nothing else spells `org-` or `decisions-`:
 * readers filter by these prefixes, so a stream named inline would silently fall out of
 * every projection.
 */

/** Prefix of the control streams, one per org (the unit of consistency). */
export const ORG_STREAM_PREFIX = 'org-';

/** Prefix of the decision-record streams, one per enforcement node (single writer). */
export const DECISIONS_STREAM_PREFIX = 'decisions-';

/** Control stream of an org: `org-<orgId>`. */
export function orgStream(orgId: string): string {
  return `${ORG_STREAM_PREFIX}${orgId}`;
}

/** Decision-record stream of a node: `decisions-<nodeId>`. */
export function decisionsStream(nodeId: string): string {
  return `${DECISIONS_STREAM_PREFIX}${nodeId}`;
}

/** Prefix of the ack streams, one per node: runtimes' acknowledgements of permission changes. */
export const ACKS_STREAM_PREFIX = 'acks-';

/** Ack stream of a node: `acks-<nodeId>` (`PermissionAcknowledged` audit facts). */
export function acksStream(nodeId: string): string {
  return `${ACKS_STREAM_PREFIX}${nodeId}`;
}

/** The org id of an `org-<orgId>` stream, or undefined when the stream is not an org stream. */
export function orgIdFromStream(streamId: string): string | undefined {
  return streamId.startsWith(ORG_STREAM_PREFIX) && streamId.length > ORG_STREAM_PREFIX.length
    ? streamId.slice(ORG_STREAM_PREFIX.length)
    : undefined;
}

/** The node id of a `decisions-<nodeId>` stream, or undefined when it is not a decisions stream. */
export function nodeIdFromStream(streamId: string): string | undefined {
  return streamId.startsWith(DECISIONS_STREAM_PREFIX) && streamId.length > DECISIONS_STREAM_PREFIX.length
    ? streamId.slice(DECISIONS_STREAM_PREFIX.length)
    : undefined;
}

/**
 * The category of a stream: its id up to and including the first `-` (`org-acme` → `org-`),
 * or the whole id when it has no `-`. Adapters index on it so prefix-filtered reads of the
 * global log stay fast.
 */
export function streamCategory(streamId: string): string {
  const dash = streamId.indexOf('-');
  return dash < 0 ? streamId : streamId.slice(0, dash + 1);
}
