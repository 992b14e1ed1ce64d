import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { RPC_HEARTBEAT_SUBJECT, RPC_REGISTER_SUBJECT, RPC_VALIDATE_SUBJECT } from '@warden/broadcast';
import { WardenError } from '@warden/domain';
import { hashKey, HeartbeatService, IdSource, RegistrationService, ValidationService } from '@warden/enforcement';
import { PermissionProjection, type KeyPrincipal } from '@warden/projection';
import type { ZodType } from 'zod';
import { heartbeatEnvelope, registerEnvelope, validateEnvelope } from '../http/envelopes';
import { RequestValidationError, toHttpError } from '../http/error-body';
import { RegisterAllowance } from '../http/register-allowance';
import { INVALID_JSON } from './raw-json.serdes';
import { rpcHeartbeatSchema, rpcRegisterSchema, rpcValidateSchema } from './nats-rpc.schemas';

/**
 * Validate, heartbeat and register over NATS request/reply, on the same decision and decision-record
 * path as HTTP. Answers are the HTTP bodies; errors are the HTTP error bodies with an
 * added `httpStatus`. A handler never throws: a bad request gets an error reply. Register
 * counts against the key's registration allowance (429 `rate_limited` beyond it).
 */
@Controller()
export class NatsRpcController {
  constructor(
    private readonly projection: PermissionProjection,
    private readonly validation: ValidationService,
    private readonly registration: RegistrationService,
    private readonly ids: IdSource,
    private readonly allowance: RegisterAllowance,
    private readonly heartbeats: HeartbeatService,
  ) {}

  @MessagePattern(RPC_VALIDATE_SUBJECT)
  validate(@Payload() payload: unknown) {
    return this.answer(rpcValidateSchema, payload, async ({ key, deviceId }) => {
      const principal = this.authenticate(key);
      return validateEnvelope(deviceId, await this.validation.validate(principal, deviceId, this.ids.uuid()), principal.orgId);
    });
  }

  /** The HTTP heartbeat's answer; an unknown, removed or expired device gets the 403 error reply (`error`: the code). */
  @MessagePattern(RPC_HEARTBEAT_SUBJECT)
  heartbeat(@Payload() payload: unknown) {
    return this.answer(rpcHeartbeatSchema, payload, async ({ key, deviceId }) => {
      const principal = this.authenticate(key);
      return heartbeatEnvelope(deviceId, await this.heartbeats.heartbeat(principal, deviceId, this.ids.uuid()), principal.orgId);
    });
  }

  @MessagePattern(RPC_REGISTER_SUBJECT)
  register(@Payload() payload: unknown) {
    return this.answer(rpcRegisterSchema, payload, async ({ key, deviceId, labels }) => {
      const principal = this.authenticate(key);
      // The same per-key allowance as HTTP register (one per node, whatever the transport).
      this.allowance.take(hashKey(key));
      const requestId = this.ids.uuid();
      const result = await this.registration.register(principal, deviceId, labels ?? {}, requestId);
      return registerEnvelope(deviceId, result, requestId, principal.orgId).body;
    });
  }

  private authenticate(key: string): KeyPrincipal {
    const principal = this.projection.authenticate(hashKey(key));
    if (!principal) throw new WardenError('unauthorized', 'invalid_key', 'the key is unknown or revoked');
    return principal;
  }

  private async answer<T>(schema: ZodType<T>, payload: unknown, handle: (input: T) => Promise<unknown>): Promise<unknown> {
    try {
      if (payload === INVALID_JSON) throw new WardenError('invalid', 'invalid_json', 'the request is not valid JSON');
      const parsed = schema.safeParse(payload);
      if (!parsed.success) throw new RequestValidationError(parsed.error);
      return await handle(parsed.data);
    } catch (error) {
      const { httpStatus, body } = toHttpError(error);
      return { ...body, httpStatus };
    }
  }
}
