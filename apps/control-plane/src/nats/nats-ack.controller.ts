import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import { ACK_SUBJECTS_WILDCARD, ackSubject } from '@warden/broadcast';
import { WardenError } from '@warden/domain';
import { AckService } from '@warden/enforcement';
import { PermissionProjection } from '@warden/projection';
import { authenticateOrgKey } from '../auth/org-key.authenticator';
import { RequestValidationError } from '../http/error-body';
import { AckDto } from '../http/propagation.schemas';
import { PromMetrics } from '../observability/prom-metrics';
import { answerRpc } from './rpc-answer';

/**
 * Acks over NATS: a runtime publishes `{key, deviceId, position, receivedAt, stoppedAt?,
 * transport?}` on `warden.ack.<its org's token>`. The key is authenticated as on every NATS
 * request; the subject's org must be the key's org (403 `ack_subject_mismatch` otherwise) and
 * the device must be of that org (404 `device_not_found`, as over HTTP), so an ack can never be
 * put on another org's device or published on another org's subject. Then it is
 * `POST devices/ack`: the same schema, service and answers. A message with a reply subject
 * gets the HTTP body (or error body with `httpStatus`), so a sender can retry; a plain publish
 * gets nothing. A refused ack is counted (`warden_acks_refused_total{via="nats"}`) and
 * never logged: its payload holds a key.
 */
@Controller()
export class NatsAckController {
  private readonly schema = AckDto.schema;

  constructor(
    private readonly projection: PermissionProjection,
    private readonly acks: AckService,
    private readonly metrics: PromMetrics,
  ) {}

  @MessagePattern(ACK_SUBJECTS_WILDCARD)
  ack(@Payload() payload: unknown, @Ctx() context: NatsContext) {
    return answerRpc(
      payload,
      async ({ key, body }) => {
        const principal = authenticateOrgKey(this.projection, key);
        if (context.getSubject() !== ackSubject(principal.orgId)) {
          throw new WardenError('refused', 'ack_subject_mismatch', "an ack must be published on its own org's subject (warden.ack.<org token>)");
        }
        const parsed = this.schema.safeParse(body);
        if (!parsed.success) throw new RequestValidationError(parsed.error);
        const result = await this.acks.ack(principal.orgId, principal.keyId, { transport: 'nats', ...parsed.data });
        this.metrics.ackTaken('nats');
        return { status: 'ok', ...result };
      },
      (reply) => this.metrics.ackRefused('nats', reply.error),
    );
  }
}
