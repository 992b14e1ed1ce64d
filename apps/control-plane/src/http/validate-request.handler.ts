import { ConsistencyWaits, IdSource, ValidationService } from '@warden/enforcement';
import { PermissionProjection } from '@warden/projection';
import { consistencyTokenOf, reachConsistencyToken, type RequestConnection } from '../auth/consistency-wait';
import { authenticateOrgKey } from '../auth/org-key.authenticator';
import { ValidateDto } from './devices.schemas';
import { validateEnvelope } from './envelopes';
import { RequestValidationError } from './error-body';

/** The answer body of a validate. */
export type ValidateAnswer = ReturnType<typeof validateEnvelope>;

/**
 * One validate request, whatever carried it: `POST /api/v1/devices/validate` (the fast path
 * and the Fastify route) and NATS `warden.rpc.validate` all call `handle`, so they settle the
 * consistency token, authenticate and parse in the same order, with the same errors: the
 * token first (before the key: see reachConsistencyToken), then the key (401), then the body
 * against ValidateDto's schema (400), then ValidationService. Throws WardenErrors.
 */
export class ValidateRequestHandler {
  private readonly schema = ValidateDto.schema;

  constructor(
    private readonly projection: PermissionProjection,
    private readonly waits: ConsistencyWaits,
    private readonly validation: ValidationService,
    private readonly ids: IdSource,
  ) {}

  /** `orgKey`: the presented key; `body`: the parsed JSON body; `connection`: drops the wait when the client leaves. */
  readonly handle = async (orgKey: unknown, body: unknown, connection?: RequestConnection): Promise<ValidateAnswer> => {
    await reachConsistencyToken(this.waits, consistencyTokenOf(body), connection);
    const principal = authenticateOrgKey(this.projection, orgKey);
    const parsed = this.schema.safeParse(body);
    if (!parsed.success) throw new RequestValidationError(parsed.error);
    const { deviceId } = parsed.data;
    return validateEnvelope(deviceId, await this.validation.validate(principal, deviceId, this.ids.uuid()), principal.orgId);
  };
}
