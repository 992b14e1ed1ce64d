import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it('produces exactly what the canonicalize package produces, for any JSON value', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => canonicalJson(value) === canonicalize(value)), { numRuns: 2000 });
  });

  it('matches it on values JSON cannot hold as such (undefined, symbols, dates, nested toJSON)', () => {
    const values: unknown[] = [
      { a: undefined, b: Symbol('s'), c: [undefined, Symbol('t'), 1] },
      { when: new Date(0), nested: { toJSON: () => ({ z: 1, a: 2 }) } },
      undefined,
      'text with "quotes" and \u2028',
      { '\u00e9': 1, e: 2, E: 3, '': 4 },
      [-0, 1e21, 1e-7, 0.1 + 0.2],
    ];
    for (const value of values) expect(canonicalJson(value)).toBe(canonicalize(value));
  });

  it('refuses NaN and infinities, as the package does', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow('NaN is not allowed');
    expect(() => canonicalJson([Infinity])).toThrow('Infinity is not allowed');
  });
});
