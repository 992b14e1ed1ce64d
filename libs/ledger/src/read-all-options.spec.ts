import { DEFAULT_READ_ALL_LIMIT, matchesPrefixes, normalizePrefixes, resolveReadAll } from './read-all-options';

describe('readAll options', () => {
  it('reads from the beginning one default page at a time when nothing is given', () => {
    expect(resolveReadAll(undefined)).toEqual({ after: 0n, prefixes: undefined, limit: DEFAULT_READ_ALL_LIMIT });
  });

  it('refuses a limit that is not a positive integer', () => {
    for (const limit of [0, -1, 1.5, Number.NaN]) {
      expect(() => resolveReadAll({ limit })).toThrow(expect.objectContaining({ kind: 'invalid', code: 'invalid_limit' }));
    }
  });

  it('drops duplicate prefixes and those covered by a shorter one', () => {
    expect(normalizePrefixes(['org-acme', 'decisions-', 'org-', 'org-'])).toEqual(['org-', 'decisions-']);
  });

  it('matches every stream without prefixes and none with an empty list', () => {
    expect(matchesPrefixes('org-a', undefined)).toBe(true);
    expect(matchesPrefixes('org-a', [])).toBe(false);
    expect(matchesPrefixes('org-a', ['decisions-', 'org-'])).toBe(true);
  });
});
