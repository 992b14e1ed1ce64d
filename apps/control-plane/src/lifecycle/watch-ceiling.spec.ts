import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOpenFileLimit, watchCeiling } from './watch-ceiling';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            20000                20000                files
Max locked memory         8388608              8388608              bytes
`;

describe('readOpenFileLimit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-limits-'));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  it('reads the soft limit on open files from a /proc limits file', () => {
    expect(readOpenFileLimit(file('limits', LIMITS))).toBe(20000);
  });

  it('knows no limit when it is unlimited, missing, or the file cannot be read', () => {
    expect(readOpenFileLimit(file('unlimited', LIMITS.replace('20000                20000', 'unlimited            unlimited')))).toBeUndefined();
    expect(readOpenFileLimit(file('other', 'Max processes 100 100 processes\n'))).toBeUndefined();
    expect(readOpenFileLimit(join(dir, 'absent'))).toBeUndefined();
  });

  it('reads this process limit on Linux', () => {
    if (process.platform === 'linux') expect(readOpenFileLimit()).toBeGreaterThan(0);
  });
});

describe('watchCeiling', () => {
  it('keeps the configured cap when the limit leaves room for it and the reserve', () => {
    expect(watchCeiling(10_000, 20_000)).toEqual({ max: 10_000, openFileLimit: 20_000, reserve: 4000 });
  });

  it('lowers the cap so that watches never take the reserve', () => {
    expect(watchCeiling(10_000, 1024)).toEqual({ max: 768, openFileLimit: 1024, reserve: 256 });
    expect(watchCeiling(10_000, 200)).toEqual({ max: 100, openFileLimit: 200, reserve: 100 });
  });

  it('keeps the configured cap when the limit is unknown', () => {
    expect(watchCeiling(10_000, undefined)).toEqual({ max: 10_000, openFileLimit: undefined, reserve: undefined });
  });
});
