import type { Labels } from '@warden/domain';
import type { KeyPrincipal } from '@warden/projection';
import type { Clock } from './clock.port';
import { stampCommand } from './command-stamp';
import type { CommandResult, OrgCommandService } from './org-command.service';
import type { ValidationService } from './validation.service';

/**
 * Register: a control command, plus a decision record when the registration is refused
 * (limit reached, device revoked, org suspended), so refusals are on the record too. A
 * refusal is answered even if its record cannot be written: refusing is always safe.
 */
export class RegistrationService {
  constructor(
    private readonly commands: OrgCommandService,
    private readonly validation: ValidationService,
    private readonly clock: Clock,
  ) {}

  async register(principal: KeyPrincipal, deviceId: string, labels: Labels, requestId: string): Promise<CommandResult> {
    const result = await this.commands.execute(
      stampCommand({ type: 'RegisterDevice', data: { deviceId, labels } }, principal, this.clock),
      { correlationId: requestId },
    );
    const refusal = result.decision.refusal;
    if (refusal) {
      await this.validation.record(principal, deviceId, requestId, 'register', { allowed: false, code: refusal }, result.state.revision);
    }
    return result;
  }
}
