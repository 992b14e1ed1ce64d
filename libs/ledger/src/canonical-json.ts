/**
 * RFC 8785 (JCS) canonical JSON, producing exactly what the `canonicalize` package does
 * (a property test compares the two on generated values), written as plain loops: the
 * package's `reduce` closures and template strings were 4% of the validate path's CPU
 * (every decision record is hashed over its canonical form) and most of audit replay's.
 * Throws on NaN and infinities, as the package does.
 */
export function canonicalJson(value: unknown): string | undefined {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) throw new Error('NaN is not allowed');
    if (!Number.isFinite(value)) throw new Error('Infinity is not allowed');
  }
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const object = value as Record<string, unknown> & { toJSON?: unknown };
  if (object.toJSON instanceof Function) return canonicalJson((object.toJSON as () => unknown)());
  if (Array.isArray(object)) {
    let out = '[';
    for (let i = 0; i < object.length; i++) {
      const item: unknown = object[i];
      if (i > 0) out += ',';
      out += `${canonicalJson(item === undefined || typeof item === 'symbol' ? null : item)}`;
    }
    return `${out}]`;
  }
  const keys = Object.keys(object).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const item = object[key];
    if (item === undefined || typeof item === 'symbol') continue;
    if (!first) out += ',';
    first = false;
    out += `${JSON.stringify(key)}:${canonicalJson(item)}`;
  }
  return `${out}}`;
}
