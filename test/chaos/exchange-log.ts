/** What a chaos client asked for. */
export type ExchangeKind =
  | 'create'
  | 'register'
  | 'validate'
  | 'heartbeat'
  | 'revoke'
  | 'unrevoke'
  | 'limits'
  | 'suspend'
  | 'resume'
  | 'policy'
  | 'lock'
  | 'unlock';

/** One request and what came back (an answer with its status, or a transport error), as the client saw it. */
export interface Exchange {
  readonly seq: number;
  /** Which life of the control plane the request was sent to (0 = first start). */
  readonly life: number;
  readonly kind: ExchangeKind;
  readonly orgId: string;
  readonly deviceId?: string;
  readonly body: Record<string, unknown>;
  readonly sentAt: number;
  doneAt?: number;
  status?: number;
  answer?: any;
  /** Transport failure (connection refused or reset, timeout): the outcome is unknown to the client. */
  error?: string;
}

const PATHS: Readonly<Record<ExchangeKind, string>> = {
  create: '/api/v1/org/create',
  register: '/api/v1/devices/register',
  validate: '/api/v1/devices/validate',
  revoke: '/api/v1/devices/revoke',
  unrevoke: '/api/v1/devices/unrevoke',
  limits: '/api/v1/org/limits',
  suspend: '/api/v1/org/suspend',
  resume: '/api/v1/org/resume',
  heartbeat: '/api/v1/devices/heartbeat',
  policy: '/api/v1/org/policy',
  lock: '/api/v1/locks',
  unlock: '/api/v1/locks/remove',
};

/** A request that never got an answer within this long counts as failed (a hang is a finding, not a wait). */
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Sends requests and keeps every request and answer, in order: the client-side record the
 * chaos checks hold the ledger against. Never throws for HTTP or transport failures.
 */
export class ExchangeLog {
  readonly exchanges: Exchange[] = [];

  async send(url: string, life: number, kind: ExchangeKind, orgId: string, key: string, body: Record<string, unknown>): Promise<Exchange> {
    const exchange: Exchange = {
      seq: this.exchanges.length,
      life,
      kind,
      orgId,
      deviceId: typeof body.deviceId === 'string' ? body.deviceId : undefined,
      body,
      sentAt: performance.now(),
    };
    this.exchanges.push(exchange);
    const auth: Record<string, string> = kind === 'create' ? { authorization: `Bearer ${key}` } : { 'x-org-key': key };
    try {
      const response = await fetch(`${url}${PATHS[kind]}`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      exchange.status = response.status;
      exchange.answer = parseJson(text);
    } catch (error) {
      exchange.error = describe(error);
    }
    exchange.doneAt = performance.now();
    return exchange;
  }

  /** Answered with 2xx. */
  acknowledged(kind?: ExchangeKind): Exchange[] {
    return this.exchanges.filter((exchange) => isAcknowledged(exchange) && (kind === undefined || exchange.kind === kind));
  }

  answered(): Exchange[] {
    return this.exchanges.filter((exchange) => exchange.status !== undefined);
  }

  failed(): Exchange[] {
    return this.exchanges.filter((exchange) => exchange.error !== undefined);
  }
}

export function isAcknowledged(exchange: Exchange): boolean {
  return exchange.status !== undefined && exchange.status >= 200 && exchange.status < 300;
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? error.name + ': ' + error.message;
}

/** A small seeded PRNG (mulberry32), so a failing run can be repeated with its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
