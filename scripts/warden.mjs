#!/usr/bin/env node
// The `warden` CLI (`npx warden ...`): builds it when needed, then runs it with these arguments.
import { spawnSync } from 'node:child_process';
import { ensureBuilt } from './build-if-needed.mjs';

const entry = ensureBuilt('cli', ['domain', 'ledger', 'events', 'projection', 'enforcement', 'audit']);
const result = spawnSync(process.execPath, [entry, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
