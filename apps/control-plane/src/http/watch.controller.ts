import { Controller, Inject, Query, Sse, SseSignal, UseGuards, type BeforeApplicationShutdown, type MessageEvent } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  InProcessPermissionBroadcaster,
  SSE_HEARTBEAT_EVENT,
  SSE_PERMISSION_EVENT,
  type HeartbeatMessage,
  type PermissionMessage,
} from '@warden/broadcast';
import { DecisionCode, decideValidation, LEDGER_UNAVAILABLE_VERDICT } from '@warden/domain';
import { Clock } from '@warden/enforcement';
import { PermissionProjection, type KeyPrincipal } from '@warden/projection';
import { Observable, type Subscriber } from 'rxjs';
import type { NodeIdentity } from '../config/node-identity';
import type { WardenConfig } from '../config/warden-config';
import { NODE_IDENTITY, WARDEN_CONFIG } from '../lifecycle/tokens';
import { OrgKeyGuard } from './auth/org-key.guard';
import { Principal, RequireAdminKey } from './auth/principal';
import { PermissionMessageDto } from './common.responses';
import { DeviceIdQueryDto } from './devices.schemas';
import { positionText } from './envelopes';
import { WatchSlots } from './watch-slots';

/**
 * SSE permission streams. `devices/watch`, for runtimes without NATS: the device's current
 * permission first, then every change, then heartbeats. `org/watch`, for operators (the
 * console): the org's current state first, then every permission change of any of its
 * devices, then heartbeats. The caller's key scopes both to its own org: another org's
 * deviceId is simply an unknown device here. Revoking the key ends its open streams.
  * Each stream holds a slot of WatchSlots (per key and per node) from before it opens until it
  * ends, however it ends; without a free slot the answer is 429 `too_many_watches`.
 */
@Controller('api/v1')
@UseGuards(OrgKeyGuard)
export class WatchController implements BeforeApplicationShutdown {
  /** Open streams, ended on shutdown: the HTTP server cannot close while an SSE response is open. */
  private readonly streams = new Set<Subscriber<MessageEvent>>();

  constructor(
    private readonly projection: PermissionProjection,
    private readonly hub: InProcessPermissionBroadcaster,
    private readonly clock: Clock,
    private readonly slots: WatchSlots,
    @Inject(NODE_IDENTITY) private readonly identity: NodeIdentity,
    @Inject(WARDEN_CONFIG) private readonly config: WardenConfig,
  ) {}

  @Sse('devices/watch')
  @ApiTags('devices')
  @ApiHeader({ name: 'x-org-key', required: true, description: 'org key (admin) or runtime key' })
  @ApiOperation({ summary: 'SSE: current permission, then changes (`permission` events), then `heartbeat` events' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ type: PermissionMessageDto.Output, description: 'an event stream: `permission` events (each data is one PermissionMessage, JSON), `heartbeat` events' })
  watch(@Principal() principal: KeyPrincipal, @Query() query: DeviceIdQueryDto, @SseSignal() ended?: AbortSignal): Observable<MessageEvent> {
    // Subscribe before reading the current state: a change racing with it is delivered too,
    // and the client drops whatever is not newer than the position it already has.
    return this.stream(principal, ended, (send) => this.hub.watch(principal.orgId, query.deviceId, send), () => this.currentPermission(principal.orgId, query.deviceId));
  }

  @Sse('org/watch')
  @RequireAdminKey()
  @ApiTags('org')
  @ApiHeader({ name: 'x-org-key', required: true, description: 'org key (admin scope)' })
  @ApiOperation({
    summary:
      "SSE for operators: the org's current state (deviceId null), then every permission change of the org's devices (`permission` events), then `heartbeat` events",
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ type: PermissionMessageDto.Output, description: 'an event stream: `permission` events (each data is one PermissionMessage, JSON), `heartbeat` events' })
  watchOrg(@Principal() principal: KeyPrincipal, @SseSignal() ended?: AbortSignal): Observable<MessageEvent> {
    return this.stream(principal, ended, (send) => this.hub.watchOrg(principal.orgId, send), () => this.currentOrgState(principal.orgId));
  }

  /**
   * One SSE stream: take a watch slot, subscribe, send the current state, then changes and
   * heartbeats until closed. `ended` aborts when the response ends, on every path, including a
   * client that left before the stream was subscribed (then the teardown never runs).
   */
  private stream(
    principal: KeyPrincipal,
    ended: AbortSignal | undefined,
    subscribe: (send: (message: PermissionMessage) => void) => () => void,
    current: () => PermissionMessage,
  ): Observable<MessageEvent> {
    const release = this.slots.acquire(principal);
    if (ended?.aborted) release();
    else ended?.addEventListener('abort', release, { once: true });
    return new Observable<MessageEvent>((subscriber) => {
      this.streams.add(subscriber);
      const send = (message: PermissionMessage) => subscriber.next({ type: SSE_PERMISSION_EVENT, id: message.position, data: message });
      const unsubscribe = subscribe(send);
      send(current());
      // A key revoked while its stream is open ends the stream at the next heartbeat: the guard
      // only saw the key when the stream was opened.
      const heartbeat = setInterval(() => {
        if (this.keyRevoked(principal)) subscriber.complete();
        else subscriber.next({ type: SSE_HEARTBEAT_EVENT, data: this.heartbeat() });
      }, this.config.heartbeatIntervalMs);
      return () => {
        release();
        this.streams.delete(subscriber);
        unsubscribe();
        clearInterval(heartbeat);
      };
    });
  }

  beforeApplicationShutdown(): void {
    for (const stream of [...this.streams]) stream.complete();
  }

  private keyRevoked(principal: KeyPrincipal): boolean {
    return this.projection.org(principal.orgId)?.keys.has(principal.keyId) !== true;
  }

  private currentPermission(orgId: string, deviceId: string): PermissionMessage {
    const verdict = this.projection.failed ? LEDGER_UNAVAILABLE_VERDICT : decideValidation(this.projection.org(orgId), deviceId, Date.now());
    return {
      orgId,
      deviceId,
      allowed: verdict.allowed,
      code: verdict.code,
      position: positionText(this.projection.position),
      eventId: this.projection.lastEventId(orgId) ?? '',
      at: this.clock.now(),
    };
  }

  /** The org-level state as an org subject message would carry it: suspended or not. */
  private currentOrgState(orgId: string): PermissionMessage {
    const suspended = this.projection.org(orgId)?.suspended === true;
    return {
      orgId,
      deviceId: null,
      allowed: !suspended && !this.projection.failed,
      code: this.projection.failed ? LEDGER_UNAVAILABLE_VERDICT.code : suspended ? DecisionCode.OrgSuspended : DecisionCode.Allow,
      position: positionText(this.projection.position),
      eventId: this.projection.lastEventId(orgId) ?? '',
      at: this.clock.now(),
    };
  }

  private heartbeat(): HeartbeatMessage {
    return { nodeId: this.identity.nodeId, at: this.clock.now(), position: positionText(this.projection.position) };
  }
}
