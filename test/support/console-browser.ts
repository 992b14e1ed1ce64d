import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const REPO_ROOT = join(__dirname, '..', '..');
export const CONSOLE_DIR = join(REPO_ROOT, 'dist', 'console');

/** Builds the console (Vite) when its build is missing or older than its sources, as `npm start` does. */
export function ensureConsoleBuilt(): void {
  const build = spawnSync(process.execPath, ['--input-type=module', '-e', "import { ensureConsoleBuilt } from './scripts/build-if-needed.mjs'; ensureConsoleBuilt();"], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`the console build failed:\n${build.stderr}`);
}

/**
 * Debian's Chromium (apt-get install chromium), driven by playwright-core: no browser
 * download. Headless, and quiet: no network but what the page asks for.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.WARDEN_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Every storage a key could hide in: this origin's sessionStorage and localStorage, and the context's cookies. */
export async function storedSecrets(page: Page, context: BrowserContext): Promise<{ session: Record<string, string>; local: Record<string, string>; cookies: string[] }> {
  // Runs in the page (the test's tsconfig has no DOM types): the two Storage objects, copied.
  const storages = await page.evaluate(() => {
    const web = globalThis as unknown as { sessionStorage: Record<string, string>; localStorage: Record<string, string> };
    return { session: { ...web.sessionStorage }, local: { ...web.localStorage } };
  });
  const cookies = (await context.cookies()).map((cookie) => `${cookie.name}=${cookie.value}`);
  return { ...storages, cookies };
}

/** Console messages of the page that are errors (a blocked inline script, a failed request, an exception). */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}
