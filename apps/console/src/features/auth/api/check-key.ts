import { api, ApiError, unwrap } from '../../../api/client';
import { isRuntimeKey } from '../../../lib/session';

/** Why a key cannot sign in, as the operator should read it. */
export const RUNTIME_KEY_REFUSED =
  'That is a runtime key: runtime keys may only register, validate and watch. Sign in with an org admin key (org_…).';

/**
 * Checks a key before it becomes the session's: a runtime key is refused without being sent
 * anywhere; any other is tried on an admin route (GET /api/v1/org) with its own header.
 * Resolves with the org's id, or throws an Error whose message tells the operator what to do.
 */
export async function checkOrgKey(key: string): Promise<string> {
  if (isRuntimeKey(key)) throw new Error(RUNTIME_KEY_REFUSED);
  try {
    const org = await unwrap(api.GET('/api/v1/org', { headers: { 'x-org-key': key } }));
    return org.orgId;
  } catch (error) {
    if (error instanceof ApiError && error.code === 'forbidden_scope') throw new Error(RUNTIME_KEY_REFUSED);
    if (error instanceof ApiError && error.status === 401) throw new Error('This org key is not valid: it is unknown or has been revoked.');
    throw error;
  }
}
