import { execFile } from 'node:child_process';

/** Node flag that opens the inspector of a control-plane process on 127.0.0.1 and a free port. */
export const INSPECT_ON_FREE_PORT = '--inspect=127.0.0.1:0';

/**
 * Run in a child node (Node 20 has WebSocket behind a flag only): connects to the inspector
 * URL given as its argument, runs a full garbage collection in that process, and prints its
 * `process.memoryUsage()` as JSON.
 */
const PROBE = `
const ws = new WebSocket(process.argv[1]);
const pending = new Map();
let id = 0;
const call = (method, params) => new Promise((resolve, reject) => {
  pending.set(++id, { resolve, reject });
  ws.send(JSON.stringify({ id, method, params }));
});
ws.onmessage = (event) => {
  const message = JSON.parse(event.data);
  const waiter = pending.get(message.id);
  if (!waiter) return;
  pending.delete(message.id);
  if (message.error) waiter.reject(new Error(message.error.message));
  else waiter.resolve(message.result);
};
ws.onerror = () => { console.error('cannot reach the inspector at ' + process.argv[1]); process.exit(2); };
ws.onopen = async () => {
  await call('HeapProfiler.collectGarbage');
  const usage = await call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true });
  console.log(usage.result.value);
  ws.close();
  process.exit(0);
};
`;

/** What `process.memoryUsage()` says right after a full collection. */
export interface MemoryAfterGc {
  readonly heapUsed: number;
  readonly external: number;
}

/**
 * The inspector URL of the control-plane server among the "Debugger listening on" lines a
 * process printed (under `npm start`, the start wrapper has one too): the one whose target
 * runs the control plane's main.js.
 */
export async function serverInspectorUrl(output: readonly string[]): Promise<string> {
  const urls = output.flatMap((line) => /Debugger listening on (ws:\/\/127\.0\.0\.1:\d+\/\S+)/.exec(line)?.[1] ?? []);
  for (const url of urls) {
    const targets = await fetch(`http://127.0.0.1:${new URL(url).port}/json/list`)
      .then((response) => response.json() as Promise<{ url: string }[]>)
      .catch(() => []);
    if (targets.some((target) => target.url.endsWith('main.js'))) return url;
  }
  throw new Error(`no control-plane inspector among ${JSON.stringify(urls)}: start it with ${INSPECT_ON_FREE_PORT}`);
}

/**
 * Runs a full garbage collection in the process behind `inspectorUrl` and reads its memory:
 * heap and external memory after GC say what the process keeps, where RSS mostly says how
 * much V8 let garbage pile up before its last collection.
 */
export function memoryAfterGc(inspectorUrl: string): Promise<MemoryAfterGc> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--experimental-websocket', '-e', PROBE, inspectorUrl], { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`memory probe failed: ${stderr || error.message}`));
      const usage = JSON.parse(stdout) as MemoryAfterGc;
      resolve({ heapUsed: usage.heapUsed, external: usage.external });
    });
  });
}
