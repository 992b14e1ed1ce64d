import { hash } from 'node:crypto';
import type { KeyScope } from '@warden/domain';
import type { IdSource } from './id-source.port';

/** Prefix of a key by scope: `org_` keys are admin keys (MachineID's orgApiKey), `rt_` runtime keys. */
export const KEY_PREFIX: Readonly<Record<KeyScope, string>> = { admin: 'org_', runtime: 'rt_' };

export interface IssuedKey {
  /** The secret, shown once to the caller and never stored. */
  readonly key: string;
  readonly keyId: string;
  readonly keyHash: string;
  readonly scope: KeyScope;
}

/** sha256 hex of a key: the only form in which keys are stored or compared. */
export function hashKey(key: string): string {
  return hash('sha256', key);
}

export function issueKey(ids: IdSource, scope: KeyScope): IssuedKey {
  const key = `${KEY_PREFIX[scope]}${ids.token(24)}`;
  return { key, keyId: `key_${ids.token(9)}`, keyHash: hashKey(key), scope };
}
