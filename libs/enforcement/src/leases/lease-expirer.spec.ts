import {
  DECISIONS_STREAM_PREFIX,
  decisionsStream,
  InMemoryEventLedger,
  orgStream,
  type EventHandler,
  type EventLedger,
  type LedgerSubscription,
  type SubscribeOptions,
} from '@warden/ledger';
import { FaultyEventLedger } from '@warden/testing';
import { leaseNode, T0, type LeaseNode } from './leases.fixture';

const TTL = 10;

/** A ledger whose decision-record subscriptions can be held back: another replica's records written, not yet delivered. */
class HeldBackDecisionsLedger extends FaultyEventLedger {
  private gate: Promise<void> = Promise.resolve();
  private open: (() => void) | undefined;

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.open?.();
  }

  override subscribe(options: SubscribeOptions, handler: EventHandler): LedgerSubscription {
    if (!options.streamPrefixes?.includes(DECISIONS_STREAM_PREFIX)) return super.subscribe(options, handler);
    return super.subscribe(options, async (event) => {
      await this.gate;
      await handler(event);
    });
  }
}

async function expiries(ledger: EventLedger, orgId: string) {
  return (await ledger.readStream(orgStream(orgId))).filter((event) => event.type === 'DeviceLeaseExpired');
}

describe('LeaseExpirer', () => {
  const nodes: LeaseNode[] = [];
  async function node(ledger?: EventLedger, nodeId?: string, options?: Parameters<typeof leaseNode>[2]) {
    const started = await leaseNode(ledger, nodeId, options);
    nodes.push(started);
    return started;
  }
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((n) => n.stop()));
  });

  it('expires a device once its TTL has passed without a sign of life, not before', async () => {
    const a = await node();
    await a.createOrg('o1', TTL);
    await a.register('o1', 'd1');

    a.advance(TTL * 1000 - 1);
    expect(await a.expirer.runOnce()).toBe(0);
    a.advance(1);
    expect(await a.expirer.runOnce()).toBe(1);

    const [event] = await expiries(a.ledger, 'o1');
    expect(event!.data).toMatchObject({ deviceId: 'd1', lastSeenAt: new Date(T0).toISOString(), ttlSeconds: TTL });
    expect(event!.metadata.actor).toBe('system');
    expect(a.projection.org('o1')!.devices.get('d1')!.status).toBe('expired');
    a.advance(60_000);
    expect(await a.expirer.runOnce()).toBe(0);
    expect(await expiries(a.ledger, 'o1')).toHaveLength(1);
  });

  it('leaves alone a device whose validations and heartbeats renewed it, whatever their verdict', async () => {
    const a = await node();
    const principal = await a.createOrg('o1', TTL);
    await a.register('o1', 'd1');
    await a.register('o1', 'd2');
    await a.run('o1', { type: 'SuspendOrg', data: { reason: 'incident' } });

    a.advance(6000);
    expect((await a.validation.validate(principal, 'd1', 'v1')).verdict.code).toBe('ORG_SUSPENDED');
    expect((await a.heartbeats.heartbeat(principal, 'd2', 'h1')).expiresAtMs).toBe(T0 + 16_000);
    a.advance(6000);

    expect(await a.expirer.runOnce()).toBe(0);
    a.advance(4000);
    expect(await a.expirer.runOnce()).toBe(2);
  });

  it('puts every lapsed device of an org into one command', async () => {
    const a = await node();
    await a.createOrg('o1', TTL);
    for (let i = 0; i < 50; i++) await a.register('o1', `d-${i}`);
    a.advance(TTL * 1000);

    expect(await a.expirer.runOnce()).toBe(50);
    const events = await expiries(a.ledger, 'o1');
    expect(new Set(events.map((event) => event.metadata.correlationId)).size).toBe(1);
    expect(a.projection.org('o1')!.activeCount).toBe(0);
  });

  it('waits for the decision records of other replicas before deciding: their signs of life count', async () => {
    const ledger = new HeldBackDecisionsLedger(new InMemoryEventLedger());
    const a = await node(ledger, 'node-a', { caughtUpTimeoutMs: 50 });
    await a.createOrg('o1', TTL);
    await a.register('o1', 'd1');
    a.advance(TTL * 1000);
    // Another replica recorded a heartbeat just now; its delivery to this node is held back.
    ledger.hold();
    const record = { decisionId: 'b-1', orgId: 'o1', deviceId: 'd1', action: 'heartbeat', allowed: true, code: 'ALLOW', orgRevision: 3, decidedAt: a.clock.now() };
    await ledger.append(decisionsStream('node-b'), [{ eventId: 'b-1', type: 'PermissionDecided', data: record, metadata: { actor: 'k', correlationId: 'b-1' } }], {
      expectedRevision: 'any',
    });

    expect(await a.expirer.runOnce()).toBe(0);
    ledger.release();
    a.advance(1000);
    expect(await a.expirer.runOnce()).toBe(0);
    expect(await expiries(ledger, 'o1')).toEqual([]);
    expect(a.tracker.lease('o1', 'd1')?.lastSeenMs).toBe(T0 + TTL * 1000);
  });

  it('expires a device exactly once when two replicas race', async () => {
    const ledger = new InMemoryEventLedger();
    const a = await node(ledger, 'node-a');
    await a.createOrg('o1', TTL);
    for (let i = 0; i < 20; i++) await a.register('o1', `d-${i}`);
    const b = await node(ledger, 'node-b');
    // b started later: it gives every device a full TTL from its own start, so both clocks move to where both see them lapsed.
    a.advance(TTL * 1000);
    b.advance(TTL * 1000);

    const [onA, onB] = await Promise.all([a.expirer.runOnce(), b.expirer.runOnce()]);

    expect(onA + onB).toBe(20);
    expect(await expiries(ledger, 'o1')).toHaveLength(20);
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
  });

  it('tries again later when the ledger cannot take the expiry', async () => {
    const ledger = new FaultyEventLedger(new InMemoryEventLedger());
    const a = await node(ledger);
    await a.createOrg('o1', TTL);
    await a.register('o1', 'd1');
    a.advance(TTL * 1000);
    ledger.failAppends();

    expect(await a.expirer.runOnce()).toBe(0);
    expect(a.errors).toHaveLength(1);
    ledger.heal();
    expect(await a.expirer.runOnce()).toBe(0);
    a.advance(1000);
    expect(await a.expirer.runOnce()).toBe(1);
  });

  it('expires nothing of an org that turned leases off', async () => {
    const a = await node();
    await a.createOrg('o1', TTL);
    await a.register('o1', 'd1');
    await a.run('o1', { type: 'SetLeasePolicy', data: { leaseTtlSeconds: null } });
    a.advance(TTL * 10_000);
    expect(await a.expirer.runOnce()).toBe(0);
    expect(await expiries(a.ledger, 'o1')).toEqual([]);
  });
});
