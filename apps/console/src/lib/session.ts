/**
 * Where the org key lives while the console is open: this tab's sessionStorage only (gone when
 * the tab closes), never localStorage, a cookie or a URL. Every API call reads it from here.
 */
const STORAGE_KEY = 'warden.console.orgKey';

export function readKey(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function storeKey(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
}

export function clearKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

/** Runtime keys (`rt_…`) may only register, validate and watch: the console refuses them before sending them anywhere. */
export function isRuntimeKey(key: string): boolean {
  return key.startsWith('rt_');
}
