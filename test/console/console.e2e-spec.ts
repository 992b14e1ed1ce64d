import { WardenClient, type Lease } from '@warden/sdk';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { collectPageErrors, CONSOLE_DIR, ensureConsoleBuilt, launchChromium, storedSecrets } from '../support/console-browser';
import { createOrg, WardenHttp } from '../support/http-client';

/**
 * The operator console in a real browser (Debian's Chromium through playwright-core) against
 * the real control plane, in order, like an operator's session: one browser for the file.
 */
jest.setTimeout(60_000);

/** Resolves with the lease's abort reason once its signal fires (no timers: awaits the event). */
function aborted(lease: Lease): Promise<unknown> {
  if (lease.signal.aborted) return Promise.resolve(lease.signal.reason);
  return new Promise((resolve) => lease.signal.addEventListener('abort', () => resolve(lease.signal.reason), { once: true }));
}

describe('the operator console', () => {
  let cp: RunningControlPlane;
  let admin: WardenHttp;
  let orgKey: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[];
  let loads = 0;
  const leases: Lease[] = [];

  beforeAll(async () => {
    ensureConsoleBuilt();
    cp = await startControlPlane({ env: { WARDEN_CONSOLE_DIR: CONSOLE_DIR } });
    const http = new WardenHttp(cp.url);
    ({ orgKey } = await createOrg(http, ADMIN_TOKEN, { name: 'acme', planTier: 'pro' }));
    admin = http.withKey(orgKey);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    pageErrors = collectPageErrors(page);
    page.on('load', () => loads++);
  });

  afterAll(async () => {
    await Promise.all(leases.map((lease) => lease.close()));
    await browser?.close();
    await cp?.close({ removeData: true });
  });

  const nav = () => page.getByRole('navigation', { name: 'Main' });
  const deviceRow = (deviceId: string) => page.getByRole('row', { name: new RegExp(`\\b${deviceId}\\b`) });

  describe('signing in', () => {
    it('is served at /console with a policy that allows no inline script', async () => {
      const response = await page.goto(`${cp.url}/console`);
      expect(response?.status()).toBe(200);
      const csp = response?.headers()['content-security-policy'] ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(await response?.text()).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    });

    it('refuses a wrong key with an error, and keeps nothing', async () => {
      await page.getByLabel('Org key').fill('org_not-a-real-key');
      await page.getByRole('button', { name: 'Sign in' }).click();
      expect(await page.getByRole('alert').textContent()).toMatch(/not valid/);
      expect(await storedSecrets(page, context)).toEqual({ session: {}, local: {}, cookies: [] });
    });

    it('refuses a runtime key with a message that says why', async () => {
      const runtimeKey = (await admin.post('/api/v1/org/keys', { scope: 'runtime' })).body.key as string;
      await page.getByLabel('Org key').fill(runtimeKey);
      await page.getByRole('button', { name: 'Sign in' }).click();
      expect(await page.getByRole('alert').textContent()).toMatch(/runtime key/);
      expect(await storedSecrets(page, context)).toEqual({ session: {}, local: {}, cookies: [] });
    });

    it('signs in with the org key, kept in sessionStorage only and never in the URL', async () => {
      await page.getByLabel('Org key').fill(orgKey);
      await page.getByRole('button', { name: 'Sign in' }).click();
      for (const screen of ['Overview', 'Devices', 'Audit', 'Keys']) await nav().getByRole('link', { name: screen }).waitFor();
      const stored = await storedSecrets(page, context);
      expect(Object.values(stored.session)).toEqual([orgKey]);
      expect(stored.local).toEqual({});
      expect(stored.cookies).toEqual([]);
      expect(page.url()).not.toContain(orgKey);
    });
  });

  describe('devices', () => {
    it('shows a device registered through the API without a reload', async () => {
      await nav().getByRole('link', { name: 'Devices' }).click();
      await page.getByRole('heading', { name: 'Devices', level: 1 }).waitFor();
      await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
      const loadsBefore = loads;
      await admin.post('/api/v1/devices/register', { deviceId: 'agent-01', labels: { team: 'payments' } });
      await admin.post('/api/v1/devices/register', { deviceId: 'agent-02', labels: { team: 'search' } });
      await deviceRow('agent-01').getByText('ALLOW').waitFor();
      await deviceRow('agent-02').waitFor();
      expect(loads).toBe(loadsBefore);
    });

    it('"Revoke" makes the next validate DEVICE_REVOKED and aborts a running SDK lease', async () => {
      const lease = await new WardenClient({ baseUrl: cp.url, orgKey }).start({ deviceId: 'agent-01', watch: 'sse', maxStalenessMs: 15_000 });
      leases.push(lease);
      expect(lease.active).toBe(true);

      await deviceRow('agent-01').getByRole('button', { name: 'Revoke' }).click();
      const dialog = page.getByRole('dialog', { name: 'Revoke agent-01?' });
      await dialog.getByLabel('Reason (optional)').fill('runaway loop');
      await dialog.getByRole('button', { name: 'Revoke', exact: true }).click();

      expect(await aborted(lease)).toMatchObject({ code: 'DEVICE_REVOKED' });
      const validate = await admin.post('/api/v1/devices/validate', { deviceId: 'agent-01' });
      expect(validate.body).toMatchObject({ allowed: false, code: 'DEVICE_REVOKED' });
      await dialog.waitFor({ state: 'detached' });
      await deviceRow('agent-01').getByText('DEVICE_REVOKED').waitFor();
    });

    it('"Lock by labels" locks the devices that carry them', async () => {
      await page.getByRole('button', { name: 'Lock by labels' }).click();
      const dialog = page.getByRole('dialog', { name: 'Lock devices by labels' });
      await dialog.getByLabel('Labels').fill('team=search');
      await dialog.getByLabel('Reason').fill('search incident');
      await dialog.getByRole('button', { name: 'Lock by labels' }).click();
      await dialog.waitFor({ state: 'detached' });
      await deviceRow('agent-02').getByText('DEVICE_LOCKED').waitFor();
      expect((await admin.post('/api/v1/devices/validate', { deviceId: 'agent-02' })).body.code).toBe('DEVICE_LOCKED');
    });
  });

  describe('overview', () => {
    it('shows the plan and cap, and the active locks with their reason; "Lift" lifts one', async () => {
      await nav().getByRole('link', { name: 'Overview' }).click();
      await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
      expect(await page.getByRole('meter', { name: /Seats used/ }).getAttribute('value')).toBe('1');
      await page.getByText('Plan pro, limit 25 devices').waitFor();
      const lock = page.getByRole('row', { name: /search incident/ });
      await lock.getByRole('button', { name: /Lift/ }).click();
      await page.getByRole('dialog', { name: 'Lift this lock?' }).getByRole('button', { name: 'Lift' }).click();
      await lock.waitFor({ state: 'detached' });
      expect((await admin.post('/api/v1/devices/validate', { deviceId: 'agent-02' })).body.code).toBe('ALLOW');
    });

    it('"Suspend org" asks for a reason in a dialog naming the org, then every validate is ORG_SUSPENDED; "Resume org" undoes it', async () => {
      await admin.post('/api/v1/devices/register', { deviceId: 'agent-03' });
      await page.getByRole('button', { name: 'Suspend org' }).click();
      const dialog = page.getByRole('dialog', { name: /^Suspend org acme/ });
      await dialog.getByLabel('Reason').fill('incident 42');
      await dialog.getByRole('button', { name: 'Suspend org' }).click();
      await page.getByText('Reason: incident 42').waitFor();
      for (const deviceId of ['agent-02', 'agent-03']) {
        expect((await admin.post('/api/v1/devices/validate', { deviceId })).body.code).toBe('ORG_SUSPENDED');
      }

      await page.getByRole('button', { name: 'Resume org' }).click();
      await page.getByRole('dialog', { name: /^Resume org acme/ }).getByRole('button', { name: 'Resume org' }).click();
      await page.getByRole('button', { name: 'Suspend org' }).waitFor();
      expect((await admin.post('/api/v1/devices/validate', { deviceId: 'agent-03' })).body.code).toBe('ALLOW');
    });

    it('charts the decisions of the last 15 minutes by code', async () => {
      await page.reload();
      const legend = page.getByRole('list', { name: 'Decision codes' });
      for (const code of ['ALLOW', 'DEVICE_REVOKED', 'ORG_SUSPENDED', 'DEVICE_LOCKED']) await legend.getByText(new RegExp(`^${code}: [1-9]`)).waitFor();
    });
  });

  describe('signing out', () => {
    it('leaves no key in any storage', async () => {
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('Org key').waitFor();
      expect(await storedSecrets(page, context)).toEqual({ session: {}, local: {}, cookies: [] });
    });

    it('saw no error in the page (no blocked script, no failed request but the refused keys)', () => {
      const unexpected = pageErrors.filter((text) => !/status of 40[13]/.test(text));
      expect(unexpected).toEqual([]);
    });
  });
});
