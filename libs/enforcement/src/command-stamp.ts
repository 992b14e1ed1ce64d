import type { OrgCommand } from '@warden/domain';
import type { Clock } from './clock.port';

type Unstamped<C> = C extends OrgCommand ? Omit<C, 'orgId' | 'at' | 'actor'> : never;

/** A command as a caller names it (type and data); its org, actor and time come from `stampCommand`. */
export type UnstampedCommand = Unstamped<OrgCommand>;

/** Who asks: the org a key belongs to and the key's id (the actor recorded on the events). */
export interface CommandIssuer {
  readonly orgId: string;
  readonly keyId: string;
}

/** Stamps a command with the issuer's org, the issuer as actor, and the time now: the one place callers do it. */
export function stampCommand(command: UnstampedCommand, issuer: CommandIssuer, clock: Clock): OrgCommand {
  return { ...command, orgId: issuer.orgId, actor: issuer.keyId, at: clock.now() } as OrgCommand;
}
