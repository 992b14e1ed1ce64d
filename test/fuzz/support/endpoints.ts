/**
 * Every HTTP route of the control plane (apps/control-plane/src/http/*.controller.ts and the
 * README's API table), with the fields its body or query knows and how it authenticates.
 */
export interface Endpoint {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly auth: 'admin-token' | 'org-key' | 'none';
  /** Body fields (POST) or query parameters (GET). */
  readonly fields: readonly string[];
}

export const ENDPOINTS: readonly Endpoint[] = [
  { method: 'POST', path: '/api/v1/org/create', auth: 'admin-token', fields: ['name', 'planTier'] },
  { method: 'POST', path: '/api/v1/org/suspend', auth: 'org-key', fields: ['reason', 'awaitAcks'] },
  { method: 'POST', path: '/api/v1/org/resume', auth: 'org-key', fields: [] },
  { method: 'POST', path: '/api/v1/org/limits', auth: 'org-key', fields: ['limit', 'planTier'] },
  { method: 'POST', path: '/api/v1/org/keys', auth: 'org-key', fields: ['scope'] },
  { method: 'POST', path: '/api/v1/org/keys/revoke', auth: 'org-key', fields: ['keyId'] },
  { method: 'POST', path: '/api/v1/org/policy', auth: 'org-key', fields: ['leaseTtlSeconds'] },
  { method: 'GET', path: '/api/v1/org', auth: 'org-key', fields: [] },
  { method: 'GET', path: '/api/v1/org/keys', auth: 'org-key', fields: [] },
  { method: 'GET', path: '/api/v1/org/watch', auth: 'org-key', fields: [] },
  { method: 'POST', path: '/api/v1/devices/register', auth: 'org-key', fields: ['deviceId', 'labels'] },
  { method: 'POST', path: '/api/v1/devices/validate', auth: 'org-key', fields: ['deviceId', 'consistencyToken'] },
  { method: 'GET', path: '/api/v1/devices/validate', auth: 'org-key', fields: ['deviceId', 'consistencyToken'] },
  { method: 'POST', path: '/api/v1/devices/heartbeat', auth: 'org-key', fields: ['deviceId'] },
  { method: 'POST', path: '/api/v1/devices/ack', auth: 'org-key', fields: ['deviceId', 'position', 'receivedAt', 'stoppedAt', 'transport'] },
  { method: 'GET', path: '/api/v1/propagation', auth: 'org-key', fields: ['position'] },
  { method: 'GET', path: '/api/v1/devices/list', auth: 'org-key', fields: [] },
  { method: 'POST', path: '/api/v1/devices/revoke', auth: 'org-key', fields: ['deviceId', 'reason', 'awaitAcks'] },
  { method: 'POST', path: '/api/v1/devices/unrevoke', auth: 'org-key', fields: ['deviceId'] },
  { method: 'POST', path: '/api/v1/devices/remove', auth: 'org-key', fields: ['deviceId'] },
  { method: 'POST', path: '/api/v1/devices/revoke_batch', auth: 'org-key', fields: ['deviceIds', 'reason', 'awaitAcks'] },
  { method: 'POST', path: '/api/v1/devices/unrevoke_batch', auth: 'org-key', fields: ['deviceIds'] },
  { method: 'GET', path: '/api/v1/devices/history', auth: 'org-key', fields: ['deviceId'] },
  { method: 'GET', path: '/api/v1/devices/watch', auth: 'org-key', fields: ['deviceId'] },
  { method: 'GET', path: '/api/v1/usage', auth: 'org-key', fields: [] },
  { method: 'POST', path: '/api/v1/locks', auth: 'org-key', fields: ['selector', 'reason', 'expiresAt', 'awaitAcks'] },
  { method: 'GET', path: '/api/v1/locks', auth: 'org-key', fields: [] },
  { method: 'POST', path: '/api/v1/locks/remove', auth: 'org-key', fields: ['lockId'] },
  { method: 'GET', path: '/api/v1/audit/decisions', auth: 'org-key', fields: ['deviceId', 'code', 'allowed', 'from', 'to', 'cursor', 'limit'] },
  { method: 'GET', path: '/api/v1/audit/decisions/summary', auth: 'org-key', fields: ['minutes'] },
  { method: 'GET', path: '/api/v1/audit/events', auth: 'org-key', fields: ['deviceId', 'from', 'to', 'cursor', 'limit'] },
  { method: 'GET', path: '/api/v1/audit/state', auth: 'org-key', fields: ['at'] },
  { method: 'GET', path: '/api/v1/audit/export', auth: 'org-key', fields: ['from', 'to'] },
  { method: 'GET', path: '/health', auth: 'none', fields: [] },
  { method: 'GET', path: '/metrics', auth: 'none', fields: [] },
];

/** Methods a fuzz case may use instead of the route's own. */
export const OTHER_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
