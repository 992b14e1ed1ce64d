import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { collectPageErrors, CONSOLE_DIR, ensureConsoleBuilt, launchChromium } from '../support/console-browser';
import { focused, tabTo, waitForFocus } from '../support/console-keyboard';
import { createOrg, WardenHttp } from '../support/http-client';

/**
 * The console with the keyboard only (issue 15: "everything can be done with the keyboard"):
 * Tab, Shift+Tab, Enter, Space and Escape, never a click. Dialogs take the focus when they
 * open, close on Escape, and give it back to the button that opened them. One browser, one
 * org, in order like an operator's session.
 */
jest.setTimeout(60_000);

describe('the console with the keyboard only', () => {
  let cp: RunningControlPlane;
  let admin: WardenHttp;
  let orgKey: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    ensureConsoleBuilt();
    cp = await startControlPlane({ env: { WARDEN_CONSOLE_DIR: CONSOLE_DIR } });
    const http = new WardenHttp(cp.url);
    ({ orgKey } = await createOrg(http, ADMIN_TOKEN, { name: 'initech', planTier: 'pro' }));
    admin = http.withKey(orgKey);
    await admin.post('/api/v1/devices/register', { deviceId: 'kb-01' });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: cp.url });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    pageErrors = collectPageErrors(page);
  });

  afterAll(async () => {
    await browser?.close();
    await cp?.close({ removeData: true });
  });

  const heading = (name: string) => page.getByRole('heading', { name, level: 1 });
  const validate = async (deviceId: string) => (await admin.post('/api/v1/devices/validate', { deviceId })).body.code as string;

  it('signs in: Tab to "Org key", type it, Tab to "Sign in", Enter', async () => {
    await page.goto(`${cp.url}/console`);
    await tabTo(page, 'Org key');
    await page.keyboard.type(orgKey);
    await tabTo(page, 'Sign in');
    await page.keyboard.press('Enter');
    await heading('Overview').waitFor();
  });

  it('reaches every screen from the navigation, forwards with Tab and back with Shift+Tab', async () => {
    for (const screen of ['Devices', 'Propagation', 'Audit', 'Keys']) {
      await tabTo(page, screen);
      await page.keyboard.press('Enter');
      await heading(screen).waitFor();
    }
    await tabTo(page, 'Overview', { backwards: true });
    await page.keyboard.press('Enter');
    await heading('Overview').waitFor();
    // The skip link, first on every screen, takes the focus past the navigation to the screen.
    await tabTo(page, 'Skip to content', { backwards: true });
    await page.keyboard.press('Enter');
    expect((await focused(page)).tag).toBe('MAIN');
  });

  it('revokes a device through its dialog: the focus goes in, Space confirms, the focus comes back', async () => {
    await tabTo(page, 'Devices', { backwards: true });
    await page.keyboard.press('Enter');
    await heading('Devices').waitFor();
    await tabTo(page, 'Revoke kb-01');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Revoke kb-01?' });
    await dialog.waitFor();
    expect(await focused(page)).toMatchObject({ name: 'Reason (optional)', inDialog: true });
    await page.keyboard.type('keyboard drill');
    expect(await tabTo(page, 'Revoke', { most: 3 })).toMatchObject({ inDialog: true });
    await page.keyboard.press('Space');
    await dialog.waitFor({ state: 'detached' });
    expect(await validate('kb-01')).toBe('DEVICE_REVOKED');
    // The same button, now "Restore": the focus stayed where the operator was.
    await waitForFocus(page, 'Restore kb-01');
  });

  it('Escape closes a dialog without acting, and the focus returns to its button', async () => {
    await tabTo(page, 'Remove kb-01', { most: 3 });
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Remove kb-01?' });
    await dialog.waitFor();
    expect((await focused(page)).inDialog).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect((await focused(page)).name).toBe('Remove kb-01');
    expect(await validate('kb-01')).toBe('DEVICE_REVOKED');
  });

  it('suspends and resumes the org', async () => {
    await admin.post('/api/v1/devices/unrevoke', { deviceId: 'kb-01' });
    await tabTo(page, 'Overview', { backwards: true });
    await page.keyboard.press('Enter');
    await heading('Overview').waitFor();
    await tabTo(page, 'Suspend org');
    await page.keyboard.press('Enter');
    const suspend = page.getByRole('dialog', { name: /^Suspend org initech/ });
    await suspend.waitFor();
    expect(await focused(page)).toMatchObject({ name: 'Reason', inDialog: true });
    await page.keyboard.type('keyboard drill');
    await tabTo(page, 'Suspend org', { most: 3 });
    await page.keyboard.press('Enter');
    await suspend.waitFor({ state: 'detached' });
    expect(await validate('kb-01')).toBe('ORG_SUSPENDED');
    await waitForFocus(page, 'Resume org');

    await page.keyboard.press('Enter');
    const resume = page.getByRole('dialog', { name: /^Resume org initech/ });
    await resume.waitFor();
    await page.keyboard.press('Escape');
    await resume.waitFor({ state: 'detached' });
    expect((await focused(page)).name).toBe('Resume org');
    expect(await validate('kb-01')).toBe('ORG_SUSPENDED');

    await page.keyboard.press('Enter');
    await resume.waitFor();
    expect(await tabTo(page, 'Resume org', { most: 3 })).toMatchObject({ inDialog: true });
    await page.keyboard.press('Enter');
    await resume.waitFor({ state: 'detached' });
    expect(await validate('kb-01')).toBe('ALLOW');
    await waitForFocus(page, 'Suspend org');

    // The suspension's propagation stays on screen until dismissed; the focus then goes to the screen.
    const banner = page.getByRole('region', { name: /^Propagation of Suspend org/ });
    await banner.waitFor();
    await tabTo(page, 'Dismiss', { backwards: true });
    await page.keyboard.press('Enter');
    await banner.waitFor({ state: 'detached' });
    expect((await focused(page)).tag).toBe('MAIN');
  });

  it('issues a runtime key and copies it', async () => {
    await tabTo(page, 'Keys', { backwards: true });
    await page.keyboard.press('Enter');
    await heading('Keys').waitFor();
    await tabTo(page, 'Issue runtime key');
    await page.keyboard.press('Enter');
    await waitForFocus(page, 'New runtime key');
    const key = await page.getByRole('textbox', { name: 'New runtime key' }).inputValue();
    expect(key).toMatch(/^rt_/);
    await tabTo(page, 'Copy', { most: 2 });
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Copied to the clipboard.' }).waitFor();
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(key);
  });

  it('saw no error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
