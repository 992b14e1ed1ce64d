import type { ChaosOrg } from './mixed-load';

export interface SoakOptions {
  readonly url: string;
  readonly orgs: readonly ChaosOrg[];
  readonly workers: number;
  /** The load runs at least this long... */
  readonly durationMs: number;
  /** ...and then until this holds (default: at once), but never past `maxDurationMs` (default 3 x durationMs). */
  readonly until?: () => boolean;
  readonly maxDurationMs?: number;
  /** Filled as the load runs, for a caller that reads its progress (default: a fresh one). */
  readonly tally?: SoakTally;
  /** Share of operations that revoke or restore one of the worker's own devices (the rest validate). */
  readonly revokeShare: number;
  readonly random: () => number;
}

export interface SoakTally {
  requests: number;
  validations: number;
  /** request_id of every allowed answer. */
  readonly allowedIds: string[];
  /** request_id of every denied answer. */
  readonly deniedIds: string[];
  revokes: number;
  restores: number;
  /** Status >= 500, unparsable answers, connection errors, timeouts. */
  readonly errors: string[];
  /** A validate right after this worker's own acknowledged revoke that was not DEVICE_REVOKED (read-your-writes). */
  readonly staleAfterRevoke: string[];
}

const REQUEST_TIMEOUT_MS = 30_000;

export function emptySoakTally(): SoakTally {
  return { requests: 0, validations: 0, allowedIds: [], deniedIds: [], revokes: 0, restores: 0, errors: [], staleAfterRevoke: [] };
}

/**
 * A bounded load of validations with revocations mixed in: `workers` concurrent loops for
 * `durationMs` (and on while `until` does not hold). Each worker owns some devices (only it
 * revokes and restores them), so right after its revoke is acknowledged its next validation
 * of that device must be denied.
 */
export async function runSoak(options: SoakOptions): Promise<SoakTally> {
  const tally = options.tally ?? emptySoakTally();
  const started = performance.now();
  const maxDurationMs = options.maxDurationMs ?? 3 * options.durationMs;
  const running = (): boolean => {
    const elapsed = performance.now() - started;
    return elapsed < options.durationMs || (elapsed < maxDurationMs && options.until !== undefined && !options.until());
  };
  const post = async (org: ChaosOrg, path: string, body: object): Promise<any> => {
    tally.requests++;
    try {
      const response = await fetch(`${options.url}/api/v1/${path}`, {
        method: 'POST',
        headers: { 'x-org-key': org.orgKey, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      if (response.status !== 200) {
        tally.errors.push(`${path} ${JSON.stringify(body)}: ${response.status} ${text.slice(0, 200)}`);
        return undefined;
      }
      return JSON.parse(text);
    } catch (error) {
      tally.errors.push(`${path} ${JSON.stringify(body)}: ${describe(error)}`);
      return undefined;
    }
  };
  const validate = async (org: ChaosOrg, deviceId: string): Promise<any> => {
    const answer = await post(org, 'devices/validate', { deviceId });
    if (answer === undefined) return undefined;
    tally.validations++;
    (answer.allowed === true ? tally.allowedIds : tally.deniedIds).push(answer.request_id);
    return answer;
  };
  const worker = async (index: number): Promise<void> => {
    const own = options.orgs.flatMap((org) => org.devices.filter((_, device) => device % options.workers === index).map((deviceId) => ({ org, deviceId })));
    const revoked = new Set<string>();
    while (running()) {
      if (own.length > 0 && options.random() < options.revokeShare) {
        const { org, deviceId } = own[Math.floor(options.random() * own.length)]!;
        if (revoked.has(deviceId)) {
          if ((await post(org, 'devices/unrevoke', { deviceId }))?.result === 'restored') {
            revoked.delete(deviceId);
            tally.restores++;
          }
        } else if ((await post(org, 'devices/revoke', { deviceId, reason: 'soak' }))?.result === 'revoked') {
          revoked.add(deviceId);
          tally.revokes++;
          const after = await validate(org, deviceId);
          if (after && after.code !== 'DEVICE_REVOKED') tally.staleAfterRevoke.push(`${deviceId}: ${after.code}`);
        }
        continue;
      }
      const org = options.orgs[Math.floor(options.random() * options.orgs.length)]!;
      await validate(org, org.devices[Math.floor(options.random() * org.devices.length)]!);
    }
  };
  await Promise.all(Array.from({ length: options.workers }, (_, index) => worker(index)));
  return tally;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? `${error.name}: ${error.message}`;
}
