import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { RPC_HEARTBEAT_SUBJECT, RPC_REGISTER_SUBJECT, RPC_VALIDATE_SUBJECT } from '@warden/broadcast';
import { HeartbeatService, IdSource, RegistrationService } from '@warden/enforcement';
import { PermissionProjection } from '@warden/projection';
import { authenticateOrgKey, presentedKeyHash, principalOfKeyHash } from '../auth/org-key.authenticator';
import { DeviceIdDto, RegisterDeviceDto } from '../http/devices.schemas';
import { heartbeatEnvelope, registerEnvelope } from '../http/envelopes';
import { RequestValidationError } from '../http/error-body';
import { RegisterAllowance } from '../http/register-allowance';
import { ValidateRequestHandler } from '../http/validate-request.handler';
import { answerRpc, type RpcRequest } from './rpc-answer';

/**
 * Validate, heartbeat and register over NATS request/reply, on the same path as HTTP: validate is the
 * HTTP validate handler itself (the same consistency-token wait, the same authenticator with
 * its length cap, the same schema, in the same order, so the same errors); register uses the
 * same authenticator and body schema, and counts against the key's registration allowance
 * (429 `rate_limited` beyond it). Answers are the HTTP bodies; errors are the HTTP error
 * bodies with an added `httpStatus`. A handler never throws: a bad request gets an error reply.
 * Heartbeat is the HTTP heartbeat: the same authenticator, schema and answers.
 */
@Controller()
export class NatsRpcController {
  private readonly registerSchema = RegisterDeviceDto.schema;
  private readonly heartbeatSchema = DeviceIdDto.schema;

  constructor(
    private readonly projection: PermissionProjection,
    private readonly validateRequests: ValidateRequestHandler,
    private readonly registration: RegistrationService,
    private readonly ids: IdSource,
    private readonly allowance: RegisterAllowance,
    private readonly heartbeats: HeartbeatService,
  ) {}

  @MessagePattern(RPC_VALIDATE_SUBJECT)
  validate(@Payload() payload: unknown) {
    return this.answer(payload, ({ key, body }) => this.validateRequests.handle(key, body));
  }

  /** The HTTP heartbeat's answer; an unknown, removed or expired device gets the 403 error reply (`error`: the code). */
  @MessagePattern(RPC_HEARTBEAT_SUBJECT)
  heartbeat(@Payload() payload: unknown) {
    return this.answer(payload, async ({ key, body }) => {
      const principal = authenticateOrgKey(this.projection, key);
      const parsed = this.heartbeatSchema.safeParse(body);
      if (!parsed.success) throw new RequestValidationError(parsed.error);
      const { deviceId } = parsed.data;
      return heartbeatEnvelope(deviceId, await this.heartbeats.heartbeat(principal, deviceId, this.ids.uuid()), principal.orgId);
    });
  }

  @MessagePattern(RPC_REGISTER_SUBJECT)
  register(@Payload() payload: unknown) {
    return this.answer(payload, async ({ key, body }) => {
      // Hashed once: the hash authenticates the key and names its allowance (shared with HTTP).
      const keyHash = presentedKeyHash(key);
      const principal = principalOfKeyHash(this.projection, keyHash);
      this.allowance.take(keyHash);
      const parsed = this.registerSchema.safeParse(body);
      if (!parsed.success) throw new RequestValidationError(parsed.error);
      const { deviceId, labels } = parsed.data;
      const requestId = this.ids.uuid();
      const result = await this.registration.register(principal, deviceId, labels ?? {}, requestId);
      return registerEnvelope(deviceId, result, requestId, principal.orgId).body;
    });
  }

  private answer(payload: unknown, handle: (request: RpcRequest) => Promise<unknown>): Promise<unknown> {
    return answerRpc(payload, handle);
  }
}
