import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HeartbeatMessage, PermissionMessage } from '../permission-contract';

/** A request the fake received. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
}

/** A canned answer; `hang` never answers (for timeouts). */
export type FakeAnswer = { readonly status: number; readonly body: unknown } | 'hang';

export const TEST_KEY = 'org_test_key';
export const TEST_ORG = 'org-1';

/** A permission message for the fake's org. */
export function permission(fields: Partial<PermissionMessage> & Pick<PermissionMessage, 'position'>): PermissionMessage {
  const allowed = fields.allowed ?? false;
  return { orgId: TEST_ORG, deviceId: 'agent-1', allowed, code: allowed ? 'ALLOW' : 'DEVICE_REVOKED', eventId: `evt-${fields.position}`, at: new Date(0).toISOString(), ...fields };
}

/**
 * A stand-in control plane on 127.0.0.1 and a random port: canned JSON answers per route,
 * and the SSE watch contract (current state first, then pushed changes and heartbeats), with
 * knobs to end streams, go silent and observe connections. Tests only.
 */
export class FakeControlPlane {
  readonly requests: RecordedRequest[] = [];
  readonly answers = new Map<string, FakeAnswer>();
  /** Current permission per device, sent first on every watch connection (unless a canned answer is set for the watch route). */
  readonly current = new Map<string, PermissionMessage>();
  private readonly streams = new Set<ServerResponse>();
  private readonly hanging = new Set<ServerResponse>();
  private connectionWaiters: Array<() => void> = [];
  private requestWaiters: Array<{ path: string; count: number; resolve: () => void }> = [];
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private beats = 0;
  private beatWaiters: Array<{ count: number; resolve: () => void }> = [];
  private silent = false;
  private port = 0;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeControlPlane> {
    const fake: FakeControlPlane = new FakeControlPlane(createServer((req, res) => void fake.handle(req, res)));
    fake.answers.set('POST /api/v1/devices/register', { status: 200, body: { status: 'ok', handler: 'register', deviceId: 'agent-1' } });
    fake.answers.set('POST /api/v1/devices/validate', { status: 200, body: allow('10') });
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Number of requests made to `path` (e.g. `/api/v1/devices/validate`). */
  count(path: string): number {
    return this.requests.filter((request) => request.path === path).length;
  }

  /** Resolves once `count` requests in all have been made to `path` (at once if they have). */
  requestsTo(path: string, count: number): Promise<void> {
    if (this.count(path) >= count) return Promise.resolve();
    return new Promise((resolve) => this.requestWaiters.push({ path, count, resolve }));
  }

  /** Resolves at the next watch connection that got its headers. */
  nextWatchConnection(): Promise<void> {
    return new Promise((resolve) => this.connectionWaiters.push(resolve));
  }

  /** Records `message` as the current state of its device and sends it on every open stream. */
  push(message: PermissionMessage): void {
    if (message.deviceId !== null) this.current.set(message.deviceId, message);
    this.broadcast('permission', JSON.stringify(message));
  }

  /** Sends a raw event on every open stream (for malformed payloads). */
  broadcast(event: string, data: string): void {
    for (const stream of this.streams) stream.write(`event: ${event}\ndata: ${data}\n\n`);
  }

  /** Sends a heartbeat on every open stream each `intervalMs`. */
  startHeartbeats(intervalMs: number): void {
    this.stopHeartbeats();
    this.heartbeatTimer = setInterval(() => {
      this.broadcast('heartbeat', JSON.stringify(heartbeat()));
      this.beats++;
      for (const waiter of this.beatWaiters.filter((w) => w.count <= this.beats)) waiter.resolve();
      this.beatWaiters = this.beatWaiters.filter((w) => w.count > this.beats);
    }, intervalMs);
  }

  /** Resolves once `count` more heartbeats have been sent. */
  heartbeatsSent(count: number): Promise<void> {
    return new Promise((resolve) => this.beatWaiters.push({ count: this.beats + count, resolve }));
  }

  stopHeartbeats(): void {
    clearInterval(this.heartbeatTimer);
  }

  /** Ends every open stream (the SDK should reconnect). */
  endStreams(): void {
    for (const stream of this.streams) stream.end();
    this.streams.clear();
  }

  /** Goes quiet: no heartbeats, open streams stay open but empty, new requests are never answered. */
  goSilent(): void {
    this.stopHeartbeats();
    this.silent = true;
  }

  async close(): Promise<void> {
    this.stopHeartbeats();
    this.endStreams();
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body: unknown = text ? JSON.parse(text) : undefined;
    this.requests.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body });
    this.requestWaiters = this.requestWaiters.filter((waiter) => (this.count(waiter.path) >= waiter.count ? (waiter.resolve(), false) : true));
    if (this.silent) return void this.hanging.add(res);
    if (req.headers['x-org-key'] !== TEST_KEY) return json(res, 401, { status: 'error', error: 'invalid_key', message: 'unknown key' });
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /api/v1/devices/watch' && !this.answers.has(route)) return this.watch(url.searchParams.get('deviceId') ?? '', res);
    const answer = this.answers.get(route) ?? { status: 404, body: { status: 'error', error: 'not_found', message: 'no route' } };
    if (answer === 'hang') return void this.hanging.add(res);
    json(res, answer.status, answer.body);
  }

  private watch(deviceId: string, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    this.streams.add(res);
    res.on('close', () => this.streams.delete(res));
    const state = this.current.get(deviceId);
    if (state) res.write(`event: permission\ndata: ${JSON.stringify(state)}\n\n`);
    for (const waiter of this.connectionWaiters.splice(0)) waiter();
  }
}

/** An allowing validate answer at `position`, with the orgId the SDK needs for NATS subjects. */
export function allow(position: string): Record<string, unknown> {
  return { allowed: true, code: 'ALLOW', request_id: 'req-1', status: 'ok', reason: 'allowed', deviceId: 'agent-1', position, orgId: TEST_ORG, handler: 'validate' };
}

/** A heartbeat answer: the verdict (allowing unless `fields` say otherwise) and the lease. */
export function heartbeatAnswer(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...allow('10'), status: 'ok', handler: 'devices/heartbeat', expiresAt: new Date(0).toISOString(), ...fields };
}

/** A denying validate answer. */
export function deny(code: string, position = '10'): Record<string, unknown> {
  return { ...allow(position), allowed: false, code, status: 'denied', reason: code };
}

export function heartbeat(): HeartbeatMessage {
  return { nodeId: 'node-1', at: new Date().toISOString(), position: '10' };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
