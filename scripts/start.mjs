#!/usr/bin/env node
// `npm start`: builds the control plane and the console when a build is missing or older than
// its sources, then runs the control plane in this process's place (signals, exit code and node flags such as --cpu-prof
// pass through).
import { spawn } from 'node:child_process';
import os from 'node:os';
import { ensureBuilt, ensureConsoleBuilt } from './build-if-needed.mjs';

const entry = ensureBuilt('control-plane', ['domain', 'ledger', 'events', 'projection', 'enforcement', 'broadcast', 'audit', 'sdk']);
ensureConsoleBuilt();
const child = spawn(process.execPath, [...process.execArgv, entry], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? 128 + (os.constants.signals[signal] ?? 0)));
