import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../../support/control-plane.harness';
import { createOrg, WardenHttp } from '../../support/http-client';

/** Runs an example the way the README does (`npm run example:...`) and lets the test await its lines. */
class ExampleProcess {
  readonly lines: string[] = [];
  private waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(script: string, env: Record<string, string>) {
    this.child = spawn('npm', ['run', '--silent', script], { cwd: join(__dirname, '../../..'), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    for (const stream of [this.child.stdout!, this.child.stderr!]) createInterface({ input: stream }).on('line', (line) => this.onLine(line));
  }

  waitFor(pattern: RegExp): Promise<string> {
    const seen = this.lines.find((line) => pattern.test(line));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ pattern, resolve }));
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }

  private onLine(line: string): void {
    this.lines.push(line);
    this.waiters = this.waiters.filter((waiter) => {
      if (!waiter.pattern.test(line)) return true;
      waiter.resolve(line);
      return false;
    });
  }
}

describe('the README examples', () => {
  let cp: RunningControlPlane;
  let http: WardenHttp;

  beforeAll(async () => {
    cp = await startControlPlane();
    http = new WardenHttp(cp.url);
  });
  afterAll(() => cp.close({ removeData: true }));

  it('kill-switch: the runaway loop stops once the device is revoked', async () => {
    const { orgKey } = await createOrg(http, ADMIN_TOKEN);
    const example = new ExampleProcess('example:kill-switch', { WARDEN_URL: cp.url, WARDEN_ORG_KEY: orgKey });
    try {
      await example.waitFor(/running away/);
      await http.withKey(orgKey).post('/api/v1/devices/revoke', { deviceId: 'runaway-1' });
      expect(await example.waitFor(/STOPPED/)).toMatch(/DEVICE_REVOKED/);
      expect(await example.exited).toBe(0);
    } finally {
      example.kill();
    }
  }, 120_000);

  it('worker: works task by task and stops when revoked', async () => {
    const { orgKey } = await createOrg(http, ADMIN_TOKEN);
    const example = new ExampleProcess('example:worker', { WARDEN_URL: cp.url, WARDEN_ORG_KEY: orgKey, WORKER_ID: 'worker-7' });
    try {
      await example.waitFor(/task 1: wrote result 1/);
      await http.withKey(orgKey).post('/api/v1/devices/revoke', { deviceId: 'worker-7' });
      expect(await example.waitFor(/stopped: DEVICE_REVOKED/)).toBeDefined();
      expect(await example.exited).toBe(0);
    } finally {
      example.kill();
    }
  }, 120_000);

  it('worker: refuses to start when its device is revoked', async () => {
    const { orgKey } = await createOrg(http, ADMIN_TOKEN);
    await http.withKey(orgKey).post('/api/v1/devices/register', { deviceId: 'worker-8' });
    await http.withKey(orgKey).post('/api/v1/devices/revoke', { deviceId: 'worker-8' });
    const example = new ExampleProcess('example:worker', { WARDEN_URL: cp.url, WARDEN_ORG_KEY: orgKey, WORKER_ID: 'worker-8' });
    expect(await example.waitFor(/refused to start/)).toMatch(/DEVICE_REVOKED|revoked/);
    expect(await example.exited).toBe(1);
  }, 120_000);
});
