import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';

const run = promisify(execFile);

/** The bash block between the walkthrough markers of README.md, verbatim. */
function readmeWalkthrough(): string {
  const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
  const section = /<!-- walkthrough:start -->\s*```bash\n([\s\S]*?)```\s*<!-- walkthrough:end -->/.exec(readme);
  if (!section) throw new Error('README.md has no walkthrough block');
  return section[1]!;
}

describe('the README curl walk-through', () => {
  let cp: RunningControlPlane;

  beforeAll(async () => {
    cp = await startControlPlane();
  });
  afterAll(() => cp.close({ removeData: true }));

  it('works verbatim against a running control plane', async () => {
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', readmeWalkthrough()], {
      env: { ...process.env, WARDEN: cp.url, ADMIN_TOKEN },
    });
    const answers = stdout.trim().split('\n').map((line) => JSON.parse(line));

    expect(answers.slice(0, 9)).toEqual([
      expect.objectContaining({ status: 'ok', handler: 'devices/register', deviceId: 'agent-01', limit: 25, devicesUsed: 1 }),
      expect.objectContaining({ allowed: true, code: 'ALLOW' }),
      expect.objectContaining({ status: 'ok', result: 'revoked' }),
      expect.objectContaining({ allowed: false, code: 'DEVICE_REVOKED' }),
      expect.objectContaining({ status: 'ok', result: 'restored' }),
      expect.objectContaining({ status: 'ok', planState: 'suspended' }),
      expect.objectContaining({ allowed: false, code: 'ORG_SUSPENDED' }),
      expect.objectContaining({ status: 'ok', planState: 'active' }),
      expect.objectContaining({ allowed: true, code: 'ALLOW' }),
    ]);
    const history = answers[9].events.map((entry: { type: string; data: { code?: string } }) => entry.data.code ?? entry.type);
    expect(history).toEqual([
      'DeviceRegistered',
      'ALLOW',
      'DeviceRevoked',
      'DEVICE_REVOKED',
      'DeviceRestored',
      'OrgSuspended',
      'ORG_SUSPENDED',
      'OrgResumed',
      'ALLOW',
    ]);
  });
});
