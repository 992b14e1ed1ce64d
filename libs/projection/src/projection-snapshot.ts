import { createHash } from 'node:crypto';
import { WardenError, type OrgState } from '@warden/domain';
import type { EventLedger } from '@warden/ledger';
import { z } from 'zod';
import { decodeOrgState, encodeOrgState, type EncodedOrgState } from './org-state.codec';
import type { ProjectionState } from './permission-projection';

/** /3: org lease policy, locks and expired devices (a /2 file is refused: the node replays the ledger once). */
const FORMAT = 'warden-projection-snapshot/3';

/**
 * A snapshot is text: a JSON header line (format, position, the last event folded, the
 * checksum of what follows), then one JSON line per org. One line per org keeps both ends
 * streaming: neither writing nor reading ever holds the whole file as one string, so a
 * million devices cost their state and one org's line, not twice the file.
 */
const headerSchema = z.object({
  format: z.literal(FORMAT),
  position: z.string().regex(/^\d+$/),
  last: z.object({ streamId: z.string(), revision: z.string().regex(/^\d+$/), hash: z.string() }),
  orgs: z.number().int().nonnegative(),
  bodySha256: z.string().regex(/^[0-9a-f]{64}$/),
});

interface OrgLine {
  readonly org: EncodedOrgState;
  readonly lastHash: string | undefined;
  readonly lastEventId: string | undefined;
}

/** The org lines of a snapshot and its header (which carries their checksum), for writing in that order. */
export function encodeProjectionSnapshot(state: ProjectionState): { header: string; lines: string[] } {
  const lines: string[] = [];
  const body = createHash('sha256');
  for (const [orgId, org] of state.orgs) {
    const line = JSON.stringify({ org: encodeOrgState(org), lastHash: state.lastHash.get(orgId), lastEventId: state.lastEventIds.get(orgId) } satisfies OrgLine);
    body.update(line).update('\n');
    lines.push(line);
  }
  const { position, streamId, revision, hash } = state.last;
  const header = { format: FORMAT, position: position.toString(), last: { streamId, revision: revision.toString(), hash }, orgs: lines.length, bodySha256: body.digest('hex') };
  return { header: JSON.stringify(header), lines };
}

/**
 * Reads a snapshot back from its lines (header first). Throws `snapshot_corrupt` (invalid)
 * when the header does not parse, or the org lines do not match its checksum or count (a
 * torn or altered file): the caller then replays the ledger instead. The org lines are not
 * zod-parsed: the checksum proves they are exactly what encodeProjectionSnapshot wrote, and
 * parsing a million device records would cost most of what the snapshot saves.
 */
export async function decodeProjectionSnapshot(lines: AsyncIterable<string> | Iterable<string>): Promise<ProjectionState> {
  let header: z.infer<typeof headerSchema> | undefined;
  const body = createHash('sha256');
  const orgs = new Map<string, OrgState>();
  const lastHash = new Map<string, string>();
  const lastEventIds = new Map<string, string>();
  for await (const line of lines) {
    if (header === undefined) {
      header = parseHeader(line);
      continue;
    }
    body.update(line).update('\n');
    let parsed: OrgLine;
    try {
      parsed = JSON.parse(line) as OrgLine;
    } catch {
      throw corrupt('an org line is not JSON');
    }
    const org = decodeOrgState(parsed.org);
    orgs.set(org.orgId, org);
    if (parsed.lastHash !== undefined) lastHash.set(org.orgId, parsed.lastHash);
    if (parsed.lastEventId !== undefined) lastEventIds.set(org.orgId, parsed.lastEventId);
  }
  if (header === undefined) throw corrupt('it is empty');
  if (body.digest('hex') !== header.bodySha256 || orgs.size !== header.orgs) throw corrupt('its org lines do not match its checksum');
  const last = { position: BigInt(header.position), streamId: header.last.streamId, revision: BigInt(header.last.revision), hash: header.last.hash };
  return { last, orgs, lastHash, lastEventIds };
}

function parseHeader(line: string): z.infer<typeof headerSchema> {
  try {
    return headerSchema.parse(JSON.parse(line));
  } catch {
    throw corrupt('its header is not a warden projection snapshot header');
  }
}

/**
 * Why a snapshot does not belong to this ledger (undefined when it does): the ledger must
 * reach the snapshot's position and still hold, at the same stream and revision, the very
 * event (same hash) the snapshot was taken after. A ledger restored from an older backup, or
 * another ledger altogether, fails this and is replayed from the start instead.
 */
export async function staleSnapshotReason(state: ProjectionState, ledger: EventLedger): Promise<string | undefined> {
  const { position, streamId, revision, hash } = state.last;
  const head = await ledger.headPosition();
  if (head === undefined || head < position) return `the ledger ends at position ${head ?? 'none'}, before the snapshot's ${position}`;
  const [event] = await ledger.readStream(streamId, { fromRevision: revision });
  if (event === undefined || event.revision !== revision || event.metadata.hash !== hash) {
    return `the ledger's ${streamId}@${revision} is not the event the snapshot was taken after`;
  }
  return undefined;
}

function corrupt(reason: string): WardenError {
  return new WardenError('invalid', 'snapshot_corrupt', `the projection snapshot is unusable: ${reason}`);
}
