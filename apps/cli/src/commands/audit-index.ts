import { type AuditIndexStore, defaultAuditIndexPath, type DecisionSearchOptions, SqliteAuditIndexStore } from '@warden/audit';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliConfig } from '../cli-config';

/**
 * The audit index file the CLI uses: WARDEN_DECISION_INDEX_PATH, else the one the control
 * plane keeps for its node (`decision-index-<nodeId>.sqlite` in the data dir, the node id from
 * WARDEN_NODE_ID or the data dir's `node-id` file). Undefined when off, for the memory ledger,
 * or when no node id is known.
 */
export function cliIndexPath(config: CliConfig): string | undefined {
  if (config.decisionIndexPath === 'off' || config.ledger === 'memory') return undefined;
  if (config.decisionIndexPath) return config.decisionIndexPath;
  const nodeId = config.nodeId ?? readNodeId(config.dataDir);
  return nodeId === undefined ? undefined : defaultAuditIndexPath(config.dataDir, nodeId);
}

/**
 * The audit index, opened read-only, for a history or an export: the CLI never writes it
 * (the control plane does, or `warden index rebuild`). Missing or unusable: nothing, and the
 * command scans the decision streams as it always did; a failure found on the way is told
 * on stderr.
 */
export function openIndexForReading(config: CliConfig): { search: Pick<DecisionSearchOptions, 'index' | 'onIndexFailure'>; close: () => void } {
  const path = cliIndexPath(config);
  let store: AuditIndexStore | undefined;
  try {
    if (path !== undefined) store = SqliteAuditIndexStore.open(path, { readonly: true });
  } catch {
    store = undefined;
  }
  const onIndexFailure = (error: unknown): void => {
    process.stderr.write(`audit index ${path} not used (${error instanceof Error ? error.message : String(error)}): scanning the ledger; \`warden index rebuild\` rebuilds it\n`);
  };
  return { search: store ? { index: store, onIndexFailure } : {}, close: () => store?.close() };
}

function readNodeId(dataDir: string): string | undefined {
  try {
    return readFileSync(join(dataDir, 'node-id'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
