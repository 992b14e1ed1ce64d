import { ControlPlaneStale, ExecutionDenied, LeaseClosed, WardenClient, type DeviceLabels, type Lease } from '@warden/sdk';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp } from '../support/http-client';

/**
 * The TypeScript runner of libs/sdk-conformance/scenarios.json (step semantics in the README
 * beside it): every scenario, by name, against the real control plane, with the SDK watching
 * over SSE. A scenario that stops the control plane gets one of its own.
 */

type SdkErrorName = 'ExecutionDenied' | 'ControlPlaneStale' | 'LeaseClosed';
type Step =
  | { sdk: 'start'; deviceId: string; labels?: DeviceLabels; maxStalenessMs?: number; expect: { active: true } | { raises: SdkErrorName; code?: string } }
  | { sdk: 'guard'; expect: { called: boolean; raises?: SdkErrorName; code?: string } }
  | { sdk: 'awaitCancelled'; withinMs: number; expect: { code: string; error?: SdkErrorName } }
  | { sdk: 'expectActive' }
  | { sdk: 'close'; expect?: { code: string } }
  | { operator: 'revoke' | 'unrevoke' | 'validate'; deviceId: string; expect?: { code: string } }
  | { operator: 'suspend' | 'resume' | 'stopControlPlane' }
  | { operator: 'lock'; labels: DeviceLabels }
  | { wait: { ms: number } };
interface Scenario {
  readonly name: string;
  readonly org?: { readonly leaseTtlSeconds?: number };
  readonly steps: readonly Step[];
}

const SCENARIOS_FILE = join(__dirname, '../../libs/sdk-conformance/scenarios.json');
const { version, scenarios } = JSON.parse(readFileSync(SCENARIOS_FILE, 'utf8')) as { version: number; scenarios: Scenario[] };
const ERROR_CLASSES: Record<SdkErrorName, abstract new (...args: never[]) => Error> = { ExecutionDenied, ControlPlaneStale, LeaseClosed };

/** One scenario's world: its org, its client, its lease, and the control plane it may stop. */
class ScenarioRun {
  lease: Lease | undefined;
  private readonly leases: Lease[] = [];

  constructor(
    private readonly cp: RunningControlPlane,
    private readonly admin: WardenHttp,
    private readonly client: WardenClient,
  ) {}

  async step(step: Step): Promise<void> {
    if ('wait' in step) return void (await sleep(step.wait.ms));
    if ('operator' in step) return this.operator(step);
    switch (step.sdk) {
      case 'start':
        return this.start(step);
      case 'guard': {
        let called = false;
        const outcome = await this.current()
          .guard(() => void (called = true))
          .then(() => undefined, (error: unknown) => error);
        expect(called).toBe(step.expect.called);
        if (step.expect.raises) expectError(outcome, step.expect.raises, step.expect.code);
        else expect(outcome).toBeUndefined();
        return;
      }
      case 'awaitCancelled': {
        const reason = await cancelled(this.current(), step.withinMs);
        expect((reason as ExecutionDenied).code).toBe(step.expect.code);
        if (step.expect.error) expect((reason as Error).name).toBe(step.expect.error);
        return;
      }
      case 'expectActive':
        return void expect(this.current().active).toBe(true);
      case 'close':
        await this.current().close();
        if (step.expect) expect(this.current().reason?.code).toBe(step.expect.code);
        return;
      default:
        throw new Error(`unknown sdk step ${JSON.stringify(step satisfies never)}`);
    }
  }

  async dispose(): Promise<void> {
    await Promise.all(this.leases.map((lease) => lease.close()));
  }

  private async start(step: Extract<Step, { sdk: 'start' }>): Promise<void> {
    const started = this.client.start({ deviceId: step.deviceId, labels: step.labels, maxStalenessMs: step.maxStalenessMs, watch: 'sse' });
    if ('active' in step.expect) {
      this.lease = await started;
      this.leases.push(this.lease);
      expect(this.lease.active).toBe(step.expect.active);
      return;
    }
    const outcome = await started.then(
      (lease) => (this.leases.push(lease), lease),
      (error: unknown) => error,
    );
    expectError(outcome, step.expect.raises, step.expect.code);
  }

  private async operator(step: Extract<Step, { operator: string }>): Promise<void> {
    switch (step.operator) {
      case 'revoke':
      case 'unrevoke':
        return expectOk(await this.admin.post(`/api/v1/devices/${step.operator}`, { deviceId: step.deviceId }));
      case 'validate': {
        const answer = await this.admin.post('/api/v1/devices/validate', { deviceId: step.deviceId });
        expectOk(answer);
        if (step.expect) expect(answer.body.code).toBe(step.expect.code);
        return;
      }
      case 'suspend':
        return expectOk(await this.admin.post('/api/v1/org/suspend', { reason: 'conformance' }));
      case 'resume':
        return expectOk(await this.admin.post('/api/v1/org/resume'));
      case 'lock':
        return expectOk(await this.admin.post('/api/v1/locks', { selector: { labels: step.labels }, reason: 'conformance' }));
      case 'stopControlPlane':
        return this.cp.close({ removeData: true });
      default:
        throw new Error(`unknown operator step ${JSON.stringify(step satisfies never)}`);
    }
  }

  private current(): Lease {
    if (!this.lease) throw new Error('no lease: the scenario has no successful sdk start before this step');
    return this.lease;
  }
}

function expectError(outcome: unknown, name: SdkErrorName, code: string | undefined): void {
  expect(outcome).toBeInstanceOf(ERROR_CLASSES[name]);
  if (code !== undefined) expect((outcome as ExecutionDenied).code).toBe(code);
}

function expectOk(answer: { status: number; body: unknown }): void {
  if (answer.status >= 300) throw new Error(`the control plane answered ${answer.status} ${JSON.stringify(answer.body)}`);
}

/** The lease's abort reason, or a failure once `withinMs` passed without one. */
async function cancelled(lease: Lease, withinMs: number): Promise<unknown> {
  if (lease.signal.aborted) return lease.signal.reason;
  const timeout = new AbortController();
  const aborted = new Promise((resolve) => lease.signal.addEventListener('abort', () => resolve(lease.signal.reason), { once: true }));
  const late = sleep(withinMs, undefined, { signal: timeout.signal }).then(() => {
    throw new Error(`the lease was not cancelled within ${withinMs} ms`);
  });
  try {
    return await Promise.race([aborted, late]);
  } finally {
    timeout.abort();
    late.catch(() => undefined);
  }
}

const stopsTheControlPlane = (scenario: Scenario) => scenario.steps.some((step) => 'operator' in step && step.operator === 'stopControlPlane');

describe(`SDK conformance (scenarios.json v${version}), TypeScript SDK over SSE`, () => {
  let shared: RunningControlPlane;

  beforeAll(async () => {
    shared = await startControlPlane();
  });
  afterAll(() => shared.close({ removeData: true }));

  it.each(scenarios.map((scenario) => [scenario.name, scenario] as const))('%s', async (_name, scenario) => {
    const own = stopsTheControlPlane(scenario) ? await startControlPlane() : undefined;
    const cp = own ?? shared;
    const http = new WardenHttp(cp.url);
    const { orgKey } = await createOrg(http, ADMIN_TOKEN);
    const admin = http.withKey(orgKey);
    const run = new ScenarioRun(cp, admin, new WardenClient({ baseUrl: cp.url, orgKey }));
    try {
      if (scenario.org?.leaseTtlSeconds !== undefined) {
        const policy = await admin.post('/api/v1/org/policy', { leaseTtlSeconds: scenario.org.leaseTtlSeconds });
        if (policy.status >= 300) throw new Error(`org policy: the control plane answered ${policy.status} ${JSON.stringify(policy.body)}`);
      }
      for (const [index, step] of scenario.steps.entries()) {
        await run.step(step).catch((error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          throw new Error(`step ${index + 1} ${JSON.stringify(step)} failed:\n${message}`);
        });
      }
    } finally {
      await run.dispose();
      if (own && cp.app.getHttpServer().listening) await own.close({ removeData: true });
    }
  }, 60_000);
});
