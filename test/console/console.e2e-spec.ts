import AxeBuilder from '@axe-core/playwright';
import { WardenClient, type Lease } from '@warden/sdk';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { collectPageErrors, CONSOLE_DIR, ensureConsoleBuilt, launchChromium, REPO_ROOT, storedSecrets } from '../support/console-browser';
import { createOrg, WardenHttp } from '../support/http-client';

/**
 * The operator console in a real browser (Debian's Chromium through playwright-core) against
 * the real control plane, in order, like an operator's session: one browser for the file.
 * Every screen is checked with axe (no serious or critical violation) and photographed into
 * docs/console/ (the README shows those pictures); axe's findings of any impact are written
 * to docs/console/axe-report.json.
 */
jest.setTimeout(60_000);

const SCREENSHOTS = join(REPO_ROOT, 'docs', 'console');

/** Resolves with the lease's abort reason once its signal fires (no timers: awaits the event). */
function aborted(lease: Lease): Promise<unknown> {
  if (lease.signal.aborted) return Promise.resolve(lease.signal.reason);
  return new Promise((resolve) => lease.signal.addEventListener('abort', () => resolve(lease.signal.reason), { once: true }));
}

describe('the operator console', () => {
  let cp: RunningControlPlane;
  let admin: WardenHttp;
  let orgKey: string;
  let keyId: string;
  const axeReport: Record<string, string[]> = {};
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[];
  let loads = 0;
  /** Every URL the page asked for and every message it logged (any level): the key must be in none. */
  const requestedUrls: string[] = [];
  const logged: string[] = [];
  const leases: Lease[] = [];

  beforeAll(async () => {
    ensureConsoleBuilt();
    cp = await startControlPlane({ env: { WARDEN_CONSOLE_DIR: CONSOLE_DIR } });
    const http = new WardenHttp(cp.url);
    ({ orgKey, keyId } = await createOrg(http, ADMIN_TOKEN, { name: 'acme', planTier: 'pro' }));
    admin = http.withKey(orgKey);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    pageErrors = collectPageErrors(page);
    page.on('load', () => loads++);
    page.on('request', (request) => requestedUrls.push(request.url()));
    page.on('console', (message) => logged.push(message.text()));
  });

  afterAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    writeFileSync(join(SCREENSHOTS, 'axe-report.json'), `${JSON.stringify(axeReport, null, 2)}\n`);
    await Promise.all(leases.map((lease) => lease.close()));
    await browser?.close();
    await cp?.close({ removeData: true });
  });

  const nav = () => page.getByRole('navigation', { name: 'Main' });

  /** axe on the page as it is now: no serious or critical violation; everything it found goes into the report. */
  async function checkAccessibility(screen: string): Promise<void> {
    const results = await new AxeBuilder({ page }).analyze();
    axeReport[screen] = results.violations.map((violation) => `${violation.impact}: ${violation.id} (${violation.nodes.length})`);
    const serious = results.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
    expect(serious).toEqual([]);
  }

  /** A picture of the screen for the README; a key on screen is masked (even a test org's). */
  async function screenshot(screen: string): Promise<void> {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const mask = [page.getByRole('textbox', { name: 'New runtime key' })];
    await page.screenshot({ path: join(SCREENSHOTS, `${screen}.png`), fullPage: true, animations: 'disabled', mask, maskColor: '#9ca3af' });
  }
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
      await checkAccessibility('sign-in');
      await screenshot('sign-in');
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
      for (const screen of ['Overview', 'Devices', 'Propagation', 'Audit', 'Keys']) await nav().getByRole('link', { name: screen }).waitFor();
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
      await checkAccessibility('devices');
      await screenshot('devices');
    });

    it('filters by status and label, and searches by id', async () => {
      await page.getByLabel('Status').selectOption('revoked');
      await deviceRow('agent-02').waitFor({ state: 'detached' });
      await deviceRow('agent-01').waitFor();
      await page.getByLabel('Status').selectOption('all');
      await page.getByLabel('Label', { exact: true }).fill('team=search');
      await deviceRow('agent-01').waitFor({ state: 'detached' });
      await deviceRow('agent-02').waitFor();
      await page.getByLabel('Label', { exact: true }).fill('');
      await page.getByLabel('Search by device id').fill('nothing-like-this');
      await page.getByText('No device matches.').waitFor();
      await page.getByLabel('Search by device id').fill('');
    });

    it('a dialog is a real dialog, closed by Escape, its confirming button named after the action', async () => {
      await deviceRow('agent-02').getByRole('button', { name: 'Remove' }).click();
      const dialog = page.getByRole('dialog', { name: 'Remove agent-02?' });
      await dialog.getByRole('button', { name: 'Remove', exact: true }).waitFor();
      await checkAccessibility('devices: remove dialog');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      await deviceRow('agent-02').waitFor();
    });
  });

  describe('device detail', () => {
    it('shows the current permission and a timeline of control events, decisions and acks', async () => {
      await deviceRow('agent-01').getByRole('link', { name: 'agent-01' }).click();
      await page.getByRole('heading', { name: 'agent-01', level: 1 }).waitFor();
      const permission = page.getByRole('region', { name: 'Current permission' });
      await permission.getByText('DEVICE_REVOKED').waitFor();
      const timeline = page.getByRole('region', { name: 'Timeline' });
      await timeline.getByText(`Revoked by ${keyId}: runaway loop`).waitFor();
      await timeline.getByText('Registered').waitFor();
      expect(await timeline.getByText(/Decision \(validate\)/).count()).toBeGreaterThan(0);
      // The SDK lease aborted by the revoke acknowledged it over HTTP (it came by SSE).
      await timeline.getByText(/^Acknowledged the change at position \d+ \(stopped at .+\) via sse$/).waitFor();
      await checkAccessibility('device detail');
      await screenshot('device-detail');
    });
  });

  describe('overview', () => {
    it('shows the plan and cap, and the active locks with their reason; "Lift" lifts one', async () => {
      await nav().getByRole('link', { name: 'Overview' }).click();
      await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
      // The usage query may first show its cached answer: wait for the refetched one.
      await page.getByRole('meter', { name: /Seats used: 1 of 25/ }).waitFor();
      expect(await page.getByRole('meter', { name: /Seats used/ }).getAttribute('value')).toBe('1');
      await checkAccessibility('overview');
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
      await checkAccessibility('overview: suspend dialog');
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
      await checkAccessibility('overview with chart');
      await screenshot('overview');
    });
  });

  describe('audit', () => {
    it('lists the revoke with its actor among the control events', async () => {
      await nav().getByRole('link', { name: 'Audit' }).click();
      await page.getByRole('heading', { name: 'Audit', level: 1 }).waitFor();
      const revoke = page.getByRole('table', { name: 'Control events and their actors' }).getByRole('row', { name: /DeviceRevoked/ });
      await revoke.waitFor();
      expect(await revoke.textContent()).toEqual(expect.stringContaining('agent-01'));
      expect(await revoke.textContent()).toEqual(expect.stringContaining(keyId));
      expect(await revoke.textContent()).toEqual(expect.stringContaining('runaway loop'));
      await checkAccessibility('audit');
      await screenshot('audit');
    });

    it('filters the recorded decisions by code', async () => {
      await page.getByLabel('Code').selectOption('DEVICE_REVOKED');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      const table = page.getByRole('table', { name: 'Recorded decisions' });
      await table.getByText('DEVICE_REVOKED').first().waitFor();
      await table.getByText('ALLOW', { exact: true }).waitFor({ state: 'detached' });
      const codes = await table.locator('tbody tr td:nth-child(4)').allTextContents();
      expect(codes.length).toBeGreaterThan(0);
      expect(new Set(codes)).toEqual(new Set(['DEVICE_REVOKED']));
    });

    it('downloads the NDJSON export, fetched with the key in a header', async () => {
      const exportRequest = page.waitForRequest((request) => request.url().includes('/api/v1/audit/export'));
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Download export' }).click();
      const request = await exportRequest;
      expect(request.headers()['x-org-key']).toBe(orgKey);
      expect(request.url()).not.toContain(orgKey);
      const lines = readFileSync((await (await download).path())!, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type?: string });
      expect(lines.map((line) => line.type)).toEqual(expect.arrayContaining(['OrgCreated', 'DeviceRegistered', 'DeviceRevoked', 'PermissionDecided']));
    });
  });

  describe('keys', () => {
    it('issues a runtime key shown once, lists keys without hashes, and revokes one', async () => {
      await nav().getByRole('link', { name: 'Keys' }).click();
      await page.getByRole('heading', { name: 'Keys', level: 1 }).waitFor();
      await page.getByRole('button', { name: 'Issue runtime key' }).click();
      const issued = page.getByRole('textbox', { name: 'New runtime key' });
      await issued.waitFor();
      const runtimeKey = await issued.inputValue();
      expect(runtimeKey).toMatch(/^rt_/);
      const listed = await admin.get('/api/v1/org/keys');
      expect(JSON.stringify(listed.body)).not.toMatch(/hash/i);
      const newKeyId = (listed.body.keys as { keyId: string; scope: string }[]).filter((key) => key.scope === 'runtime').at(-1)!.keyId;
      await page.getByRole('row', { name: new RegExp(newKeyId) }).waitFor();
      await page.getByRole('button', { name: 'Copy' }).waitFor();
      await checkAccessibility('keys');
      await screenshot('keys');

      const runtime = new WardenHttp(cp.url).withKey(runtimeKey);
      expect((await runtime.post('/api/v1/devices/validate', { deviceId: 'agent-03' })).status).toBe(200);
      await page.getByRole('button', { name: `Revoke ${newKeyId}` }).click();
      await page.getByRole('dialog', { name: `Revoke ${newKeyId}?` }).getByRole('button', { name: 'Revoke', exact: true }).click();
      await page.getByRole('row', { name: new RegExp(newKeyId) }).waitFor({ state: 'detached' });
      expect((await runtime.post('/api/v1/devices/validate', { deviceId: 'agent-03' })).status).toBe(401);
    });
  });

  describe('with the keyboard only', () => {
    it('restores a device: Enter on its button, Tab to the dialog\'s "Restore", Enter', async () => {
      await nav().getByRole('link', { name: 'Devices' }).click();
      await page.getByRole('button', { name: 'Restore agent-01' }).focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: 'Restore agent-01?' });
      await dialog.waitFor();
      const focusedLabel = () => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string | null } | null } }).document.activeElement?.textContent ?? '');
      for (let presses = 0; presses < 5 && (await focusedLabel()) !== 'Restore'; presses++) await page.keyboard.press('Tab');
      expect(await focusedLabel()).toBe('Restore');
      await page.keyboard.press('Enter');
      await dialog.waitFor({ state: 'detached' });
      await deviceRow('agent-01').getByText('ALLOW', { exact: true }).waitFor();
      expect((await admin.post('/api/v1/devices/validate', { deviceId: 'agent-01' })).body.code).toBe('ALLOW');
    });
  });

  describe('signing out', () => {
    it('leaves no key in any storage', async () => {
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('Org key').waitFor();
      expect(await storedSecrets(page, context)).toEqual({ session: {}, local: {}, cookies: [] });
    });

    it('never put the key in a URL or a log of the page', () => {
      expect(requestedUrls.length).toBeGreaterThan(20);
      expect(requestedUrls.filter((url) => url.includes(orgKey))).toEqual([]);
      expect(logged.filter((text) => text.includes(orgKey))).toEqual([]);
    });

    it('saw no error in the page (no blocked script, no failed request but the refused keys)', () => {
      const unexpected = pageErrors.filter((text) => !/status of 40[13]/.test(text));
      expect(unexpected).toEqual([]);
    });
  });
});
