import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface ControlPlaneProcess {
  readonly url: string;
  readonly process: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  readonly output: string[];
  /** Sends SIGTERM and waits for the exit code. */
  stop(): Promise<number | null>;
}

const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/;

/**
 * Runs `npm start`'s script (scripts/start.mjs: build if needed, then run) as a real process
 * on 127.0.0.1 and a free port, and resolves once it logs that it is listening (so it needs
 * WARDEN_LOG_LEVEL info or lower).
 */
export function spawnControlPlane(env: Record<string, string>): Promise<ControlPlaneProcess> {
  const child = spawn(process.execPath, [join(__dirname, '../../scripts/start.mjs')], {
    env: { ...process.env, WARDEN_HTTP_HOST: '127.0.0.1', WARDEN_HTTP_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onLine = (line: string) => {
      output.push(line);
      const match = LISTENING.exec(line);
      if (match) {
        resolve({
          url: match[1]!,
          process: child,
          output,
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    void exited.then((code) => reject(new Error(`control plane exited (${code}) before listening:\n${output.join('\n')}`)));
  });
}
