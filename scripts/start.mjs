#!/usr/bin/env node
// `npm start`: builds the control plane when the build is missing or older than the sources,
// then runs it in this process's place (signals, exit code and node flags such as --cpu-prof
// pass through).
import { spawn } from 'node:child_process';
import os from 'node:os';
import { ensureBuilt } from './build-if-needed.mjs';

const entry = ensureBuilt('control-plane', ['domain', 'ledger', 'events', 'projection', 'enforcement', 'broadcast', 'audit', 'sdk']);
const child = spawn(process.execPath, [...process.execArgv, entry], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? 128 + (os.constants.signals[signal] ?? 0)));
