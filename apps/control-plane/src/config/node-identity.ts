import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WardenConfig } from './warden-config';

/** This node's identity and the admin token, resolved once at boot. */
export interface NodeIdentity {
  readonly nodeId: string;
  readonly adminToken: string;
  /** Set only when the token was generated on this start: it is printed once, then never again. */
  readonly generatedAdminToken: string | undefined;
}

/**
 * The node id comes from WARDEN_NODE_ID or is generated once and kept in the data dir; the
 * admin token comes from WARDEN_ADMIN_TOKEN or is generated on first start into the data
 * dir (mode 0600). With the memory ledger nothing is written: both live for the process.
 */
export function resolveNodeIdentity(config: WardenConfig): NodeIdentity {
  const persist = config.ledger !== 'memory';
  if (persist) mkdirSync(config.dataDir, { recursive: true });
  const nodeId = config.nodeId ?? keptValue(persist, join(config.dataDir, 'node-id'), () => `node-${randomBytes(6).toString('hex')}`).value;
  if (config.adminToken) return { nodeId, adminToken: config.adminToken, generatedAdminToken: undefined };
  const token = keptValue(persist, join(config.dataDir, 'admin-token'), () => `adm_${randomBytes(24).toString('base64url')}`);
  return { nodeId, adminToken: token.value, generatedAdminToken: token.created ? token.value : undefined };
}

function keptValue(persist: boolean, path: string, generate: () => string): { value: string; created: boolean } {
  if (persist) {
    try {
      const value = readFileSync(path, 'utf8').trim();
      if (value) return { value, created: false };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  const value = generate();
  if (persist) writeFileSync(path, `${value}\n`, { mode: 0o600 });
  return { value, created: true };
}
