import type { Page } from 'playwright-core';

/** What has the keyboard focus: its accessible name (aria-label, label, or text), and whether it is inside a dialog. */
export interface Focused {
  readonly name: string;
  readonly tag: string;
  readonly inDialog: boolean;
}

// Runs in the page (the test's tsconfig has no DOM types, so it is passed as source).
const FOCUSED = `(() => {
  const element = document.activeElement;
  if (!element || element === document.body) return { name: '', tag: 'BODY', inDialog: false };
  const label = element.getAttribute('aria-label') ?? (element.labels && element.labels[0] ? element.labels[0].textContent : null) ?? element.textContent ?? '';
  return { name: label.trim(), tag: element.tagName, inDialog: element.closest('dialog') !== null };
})()`;

export function focused(page: Page): Promise<Focused> {
  return page.evaluate<Focused>(FOCUSED);
}

/**
 * Presses Tab (or Shift+Tab) until the control named `name` has the focus, as a keyboard user
 * would; fails when it is not reached within `most` presses (not reachable by keyboard).
 */
export async function tabTo(page: Page, name: string | RegExp, { backwards = false, most = 60 } = {}): Promise<Focused> {
  const matches = (candidate: string) => (typeof name === 'string' ? candidate === name : name.test(candidate));
  let now = await focused(page);
  const path: string[] = [];
  for (let presses = 0; !matches(now.name); presses++) {
    if (presses === most) throw new Error(`"${String(name)}" not reached with ${backwards ? 'Shift+Tab' : 'Tab'} in ${most} presses; focus went: ${path.join(' → ')}`);
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    now = await focused(page);
    path.push(now.name || now.tag);
  }
  return now;
}

/** Waits until the control named `name` has the focus (the page moves it by itself: a dialog closing, a key issued). */
export async function waitForFocus(page: Page, name: string): Promise<void> {
  // A function, not a string: the page's policy forbids eval, which a string predicate needs.
  await page.waitForFunction((wanted) => {
    const element = (globalThis as unknown as { document: { activeElement: { getAttribute(name: string): string | null; labels?: ArrayLike<{ textContent: string | null }>; textContent: string | null } | null } }).document.activeElement;
    if (!element) return false;
    const label = element.getAttribute('aria-label') ?? element.labels?.[0]?.textContent ?? element.textContent ?? '';
    return label.trim() === wanted;
  }, name);
}
