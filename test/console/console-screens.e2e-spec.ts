import { WardenClient, type Lease } from '@warden/sdk';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { collectPageErrors, CONSOLE_DIR, ensureConsoleBuilt, launchChromium } from '../support/console-browser';
import { createOrg, WardenHttp } from '../support/http-client';

/**
 * The rest of issue 15's screen checklist, in a real browser against the real control plane:
 * sorting the devices, a bulk revoke (with its propagation), "Remove" confirmed, "Lock by labels"
 * with an expiry, the overview's live gauge, and the audit filters (device, allowed or denied,
 * time range) with paging. The browser runs in UTC, so `datetime-local` fields are UTC times.
 */
jest.setTimeout(60_000);

/** A `datetime-local` value (minutes) for `offsetMs` from now, in UTC. */
function utcLocalTime(offsetMs: number): string {
  return new Date(Date.now() + offsetMs).toISOString().slice(0, 16);
}

const HOUR = 3_600_000;

describe('the console screens, item by item', () => {
  let cp: RunningControlPlane;
  let admin: WardenHttp;
  let orgKey: string;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  const leases: Lease[] = [];

  beforeAll(async () => {
    ensureConsoleBuilt();
    cp = await startControlPlane({ env: { WARDEN_CONSOLE_DIR: CONSOLE_DIR } });
    const http = new WardenHttp(cp.url);
    ({ orgKey } = await createOrg(http, ADMIN_TOKEN, { name: 'umbrella', planTier: 'pro' }));
    admin = http.withKey(orgKey);
    for (const deviceId of ['b-dev', 'a-dev', 'c-dev']) await admin.post('/api/v1/devices/register', { deviceId });
    await admin.post('/api/v1/devices/register', { deviceId: 'd-dev', labels: { team: 'blue' } });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, timezoneId: 'UTC' });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    pageErrors = collectPageErrors(page);
    await page.goto(`${cp.url}/console/devices`);
    await page.getByLabel('Org key').fill(orgKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Devices', level: 1 }).waitFor();
  });

  afterAll(async () => {
    await Promise.all(leases.map((lease) => lease.close()));
    await browser?.close();
    await cp?.close({ removeData: true });
  });

  const nav = () => page.getByRole('navigation', { name: 'Main' });
  const devicesTable = () => page.getByRole('table', { name: 'Devices of the org' });
  const shownIds = () => devicesTable().getByRole('rowheader').allTextContents();
  const validate = async (deviceId: string) => (await admin.post('/api/v1/devices/validate', { deviceId })).body.code as string;

  describe('devices', () => {
    it('sorts by device id, ascending then descending, and says so to assistive technology', async () => {
      await devicesTable().getByRole('rowheader', { name: 'd-dev' }).waitFor();
      expect(await shownIds()).toEqual(['b-dev', 'a-dev', 'c-dev', 'd-dev']);
      const byId = devicesTable().getByRole('columnheader', { name: /^Device/ });
      await byId.getByRole('button').click();
      expect(await byId.getAttribute('aria-sort')).toBe('ascending');
      expect(await shownIds()).toEqual(['a-dev', 'b-dev', 'c-dev', 'd-dev']);
      await byId.getByRole('button').click();
      expect(await byId.getAttribute('aria-sort')).toBe('descending');
      expect(await shownIds()).toEqual(['d-dev', 'c-dev', 'b-dev', 'a-dev']);
    });

    it('revokes the selected rows at once, and shows that revoke\'s propagation', async () => {
      const lease = await new WardenClient({ baseUrl: cp.url, orgKey }).start({ deviceId: 'a-dev', watch: 'sse', maxStalenessMs: 15_000 });
      leases.push(lease);
      await page.getByRole('checkbox', { name: 'Select a-dev' }).check();
      await page.getByRole('checkbox', { name: 'Select b-dev' }).check();
      await page.getByRole('button', { name: 'Revoke selected (2)' }).click();
      const dialog = page.getByRole('dialog', { name: 'Revoke 2 devices?' });
      await dialog.getByRole('button', { name: 'Revoke', exact: true }).click();
      await dialog.waitFor({ state: 'detached' });
      expect(await validate('a-dev')).toBe('DEVICE_REVOKED');
      expect(await validate('b-dev')).toBe('DEVICE_REVOKED');
      const banner = page.getByRole('region', { name: 'Propagation of Revoke: 2 devices' });
      await banner.getByRole('status').filter({ hasText: 'Complete: 1 of 1 live runtime acknowledged.' }).waitFor();
      await page.getByRole('button', { name: 'Revoke selected (0)' }).waitFor();
    });

    it('"Remove" confirmed in its dialog forgets the device', async () => {
      await page.getByRole('button', { name: 'Remove c-dev' }).click();
      await page.getByRole('dialog', { name: 'Remove c-dev?' }).getByRole('button', { name: 'Remove', exact: true }).click();
      await devicesTable().getByRole('rowheader', { name: 'c-dev' }).waitFor({ state: 'detached' });
      const listed = (await admin.get('/api/v1/devices/list')).body.devices as { deviceId: string }[];
      expect(listed.map((device) => device.deviceId)).not.toContain('c-dev');
      expect(await validate('c-dev')).toBe('DEVICE_NOT_REGISTERED');
    });

    it('"Lock by labels" takes an optional expiry, shown with the lock', async () => {
      const expires = utcLocalTime(HOUR);
      await page.getByRole('button', { name: 'Lock by labels' }).click();
      const dialog = page.getByRole('dialog', { name: 'Lock devices by labels' });
      await dialog.getByLabel('Labels').fill('team=blue');
      await dialog.getByLabel('Reason').fill('blue drill');
      await dialog.getByLabel('Expires at (optional)').fill(expires);
      await dialog.getByRole('button', { name: 'Lock by labels' }).click();
      await dialog.waitFor({ state: 'detached' });
      expect(await validate('d-dev')).toBe('DEVICE_LOCKED');
      const locks = (await admin.get('/api/v1/locks')).body.locks as { reason: string; expiresAt: string | null }[];
      expect(locks.find((lock) => lock.reason === 'blue drill')?.expiresAt?.slice(0, 16)).toBe(expires);

      await nav().getByRole('link', { name: 'Overview' }).click();
      const row = page.getByRole('row', { name: /blue drill/ });
      expect(await row.locator('time').last().getAttribute('datetime')).toMatch(new RegExp(`^${expires}`));
    });
  });

  describe('overview', () => {
    it('shows the devices allowed now (live) against the limit, as a gauge', async () => {
      // Allowed now: none of a-dev, b-dev (revoked) and d-dev (locked).
      const live = page.getByRole('meter', { name: /Allowed now \(live\): 0 of 25/ });
      await live.waitFor();
      expect(await live.getAttribute('value')).toBe('0');
    });
  });

  describe('audit', () => {
    const decisions = () => page.getByRole('table', { name: 'Recorded decisions' });
    const pager = () => page.getByRole('navigation', { name: 'Decisions pages' });
    const noDecision = () => page.getByText('No recorded decision matches.');

    async function applyFilters(filters: { device?: string; outcome?: string; from?: string; to?: string }): Promise<void> {
      const form = page.getByRole('form', { name: 'Audit filters' });
      await form.getByLabel('Device').fill(filters.device ?? '');
      await form.getByLabel('Outcome').selectOption(filters.outcome ?? '');
      await form.getByLabel('From').fill(filters.from ?? '');
      await form.getByLabel('To').fill(filters.to ?? '');
      await form.getByRole('button', { name: 'Apply filters' }).click();
    }

    beforeAll(async () => {
      await admin.post('/api/v1/devices/register', { deviceId: 'e-dev' });
      for (let count = 0; count < 52; count++) await validate('e-dev');
    });

    it('filters by device and by allowed or denied, and pages through the decisions', async () => {
      await nav().getByRole('link', { name: 'Audit' }).click();
      await applyFilters({ device: 'e-dev', outcome: 'true' });
      await pager().getByText('Page 1').waitFor();
      await decisions().getByRole('rowheader').first().waitFor();
      expect(new Set(await decisions().getByRole('rowheader').allTextContents())).toEqual(new Set(['e-dev']));
      expect(await decisions().getByRole('rowheader').count()).toBe(50);
      await pager().getByRole('button', { name: 'Next page' }).click();
      await pager().getByText('Page 2').waitFor();
      expect(await decisions().getByRole('rowheader').count()).toBe(2);
      expect(await pager().getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
      await pager().getByRole('button', { name: 'Previous page' }).click();
      await pager().getByText('Page 1').waitFor();

      await applyFilters({ device: 'e-dev', outcome: 'false' });
      await noDecision().waitFor();
      await applyFilters({ outcome: 'false' });
      await decisions().getByRole('rowheader', { name: 'd-dev' }).first().waitFor();
      expect(new Set(await decisions().getByRole('rowheader').allTextContents())).toEqual(new Set(['a-dev', 'b-dev', 'c-dev', 'd-dev']));
    });

    it('filters by time range', async () => {
      await applyFilters({ device: 'e-dev', from: utcLocalTime(HOUR) });
      await noDecision().waitFor();
      await applyFilters({ device: 'e-dev', to: utcLocalTime(-HOUR) });
      await noDecision().waitFor();
      await applyFilters({ device: 'e-dev', from: utcLocalTime(-HOUR), to: utcLocalTime(HOUR) });
      await decisions().getByRole('rowheader').nth(49).waitFor();
      await pager().getByRole('button', { name: 'Next page' }).and(page.locator(':enabled')).waitFor();
    });
  });

  describe('after all of it', () => {
    it('saw no error in the page', () => {
      expect(pageErrors).toEqual([]);
    });
  });
});
