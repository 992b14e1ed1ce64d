import { join } from 'node:path';
import {
  FileRelayCheckpointStore,
  HeartbeatPublisher,
  InMemoryRelayCheckpointStore,
  InProcessPermissionBroadcaster,
  NatsPermissionBroadcaster,
  PermissionBroadcaster,
  PermissionRelay,
  type PermissionMessage,
  type RelayCheckpointStore,
} from '@warden/broadcast';
import type { PropagationTracker } from '@warden/enforcement';
import type { EventLedger } from '@warden/ledger';
import type { PermissionProjection } from '@warden/projection';
import type { Logger } from 'pino';
import type { NodeIdentity } from '../config/node-identity';
import type { WardenConfig } from '../config/warden-config';
import type { PromMetrics } from '../observability/prom-metrics';
import { withoutCredentials } from '../observability/pino-logger';
import type { ControlPlaneHooks } from './control-plane-hooks';

/**
 * Pushes permission changes to runtimes: one relay feeds the in-process hub behind the SSE
 * watch; when NATS_URL is set, a second relay with a durable checkpoint publishes to
 * JetStream, and a heartbeat tells runtimes the control plane is alive. NATS is optional
 * and may come and go: its relay starts in the background and retries until it can publish.
 */
export class PermissionPush {
  private sseRelay: PermissionRelay | undefined;
  private nats: { broadcaster?: NatsPermissionBroadcaster; relay?: PermissionRelay; heartbeat?: HeartbeatPublisher } = {};
  private natsStarting = 0;
  private natsFailed = false;
  private stopped = false;

  constructor(
    private readonly ledger: EventLedger,
    readonly hub: InProcessPermissionBroadcaster,
    private readonly config: WardenConfig,
    private readonly identity: NodeIdentity,
    private readonly logger: Logger,
    private readonly metrics: PromMetrics,
    private readonly projection: PermissionProjection,
    private readonly hooks: ControlPlaneHooks = {},
    private readonly propagation?: PropagationTracker,
  ) {}

  async start(): Promise<void> {
    // The hub has no listeners yet: start after the current head instead of replaying history to nobody.
    const head = await this.ledger.headPosition();
    this.propagation?.startAfter(head);
    this.sseRelay = new PermissionRelay({
      ledger: this.ledger,
      broadcaster: this.propagation ? new ObservedBroadcaster(this.hub, this.propagation) : this.hub,
      checkpoints: this.propagation ? new ObservedCheckpoints(head, this.propagation) : new InMemoryRelayCheckpointStore(head),
      onError: (error) => this.logger.error({ err: error }, 'SSE relay error'),
      seed: () => this.projectionSeed(),
    });
    await this.sseRelay.start();
    if (!this.config.natsUrl) {
      this.logger.info('NATS_URL is not set: permission changes are pushed over SSE only (GET /api/v1/devices/watch)');
      return;
    }
    this.track(this.startNats(this.config.natsUrl));
  }

  /** Follows a NATS start-up running in the background (push, request/reply): counted in natsState, logged if it fails. */
  track(start: Promise<unknown>): void {
    this.natsStarting++;
    start.then(
      () => this.natsStarting--,
      (error: unknown) => {
        this.natsStarting--;
        this.natsFailed = true;
        this.logger.error({ err: error }, 'NATS start-up failed');
      },
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.nats.heartbeat?.stop();
    await this.nats.relay?.stop();
    await this.sseRelay?.stop();
    await this.nats.broadcaster?.close();
    await this.hub.close();
  }

  /** Position the NATS relay has published up to (undefined without NATS). */
  get natsPosition(): bigint | undefined {
    return this.nats.relay?.position;
  }

  /**
   * The NATS side as /health reports it: `off` without NATS_URL, `starting` until the relay has
   * caught up and request/reply listens, `up` after, `failed` when a start-up gave up.
   */
  get natsState(): 'off' | 'starting' | 'up' | 'failed' {
    if (!this.config.natsUrl) return 'off';
    if (this.natsFailed) return 'failed';
    return this.natsStarting > 0 ? 'starting' : 'up';
  }

  /** The projection's org states and position, for a relay to start from instead of folding the ledger again. */
  private projectionSeed() {
    if (this.projection.failed) return undefined;
    const state = this.projection.state();
    return state && { position: state.last.position, orgs: state.orgs.values() };
  }

  private async startNats(url: string): Promise<void> {
    const broadcaster = await NatsPermissionBroadcaster.connect(url, { name: `warden-${this.identity.nodeId}`, waitOnFirstConnect: true });
    if (this.stopped) {
      await broadcaster.close();
      return;
    }
    this.nats.broadcaster = broadcaster;
    const relay = new PermissionRelay({
      ledger: this.ledger,
      broadcaster,
      checkpoints: this.checkpointStore(),
      beforePublish: this.hooks.beforeNatsPublish,
      onPublished: (messages) => this.metrics.pushPublished(messages.length),
      onError: (error) => this.logger.warn({ err: error }, 'NATS relay: publish failed, retrying'),
      onCheckpointAhead: (checkpoint, head) =>
        this.logger.warn(
          { checkpoint: checkpoint.toString(), head: head?.toString() ?? null },
          'NATS relay checkpoint is beyond the end of the ledger (restored from an older backup?): publishing every permission from the start',
        ),
      seed: () => this.projectionSeed(),
    });
    this.nats.relay = relay;
    this.nats.heartbeat = new HeartbeatPublisher({
      sink: broadcaster,
      nodeId: this.identity.nodeId,
      position: () => relay.position,
      intervalMs: this.config.heartbeatIntervalMs,
    });
    this.nats.heartbeat.start();
    await relay.start();
    this.logger.info({ url: withoutCredentials(url), position: relay.position?.toString() ?? '0' }, 'pushing permission changes to NATS JetStream');
  }

  private checkpointStore(): RelayCheckpointStore {
    if (this.config.ledger === 'memory') return new InMemoryRelayCheckpointStore();
    return new FileRelayCheckpointStore(join(this.config.dataDir, `relay-checkpoint-${this.identity.nodeId}.json`));
  }
}

/**
 * The hub as the SSE relay sees it: every change is handed to the propagation tracker before it
 * is delivered, so its targets are the devices live at that moment and an ack can never arrive
 * before its change is known.
 */
class ObservedBroadcaster extends PermissionBroadcaster {
  constructor(
    private readonly hub: InProcessPermissionBroadcaster,
    private readonly tracker: PropagationTracker,
  ) {
    super();
  }

  publish(messages: readonly PermissionMessage[]): Promise<void> {
    this.tracker.observe(messages);
    return this.hub.publish(messages);
  }

  /** The hub is closed by its owner (PermissionPush.stop). */
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * The SSE relay's checkpoint, in memory, also telling the propagation tracker how far the relay
 * has handled the ledger: a held kill-command answer learns that its event changed nobody's
 * permission (nothing was pushed for it) instead of waiting for its timeout.
 */
class ObservedCheckpoints extends InMemoryRelayCheckpointStore {
  constructor(
    head: bigint | undefined,
    private readonly tracker: PropagationTracker,
  ) {
    super(head);
  }

  override async save(position: bigint): Promise<void> {
    await super.save(position);
    this.tracker.reached(position);
  }
}
