import fc from 'fast-check';

/**
 * Hostile inputs for the HTTP and NATS edges. Each generator mixes values an endpoint accepts
 * (so the success paths, and their ledger writes, are exercised too) with wrong types, huge
 * and deeply nested values, unicode, control characters, NULs and prototype-pollution keys.
 */

/** Device ids that exist in the fuzzed org (see the suites' setup), plus valid ids that do not. */
export const KNOWN_DEVICES = ['dev-1', 'dev-2', 'dev-3'] as const;

const validDeviceId = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...KNOWN_DEVICES) },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9._:@/+=#~-]{1,24}$/) },
  { weight: 1, arbitrary: fc.constantFrom('ä-ü', '设备-1', 'x'.repeat(128), 'd#~/=+', 'a:b@c') },
);

/** Control characters, NULs, lone surrogates, bidi overrides, zero-width and astral characters. */
export const nastyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((code) => String.fromCharCode(code)), minLength: 1, maxLength: 10 }),
  fc.constantFrom(
    'dev-1\u0000',
    '\u0000',
    'dev\u0000-1',
    '\ud800',
    'dev-1\udfff',
    '\u202edev-1',
    'dev\u200b-1',
    '\ufeffdev-1',
    '😀'.repeat(40),
    'dev-1\r\nx-org-key: injected',
    '../../etc/passwd',
    '%2e%2e%2f',
    '${7*7}',
    "' OR 1=1 --",
    '<script>alert(1)</script>',
    'dev 1',
    '',
    ' ',
  ),
);

const hugeString = fc.constantFrom(1_000, 60_000, 70_000, 200_000).chain((length) => fc.constantFrom('x', 'é', '😀', '\u0000').map((unit) => unit.repeat(length)));

const extremeNumber = fc.constantFrom(0, -0, -1, 1.5, 2 ** 53 + 2, -(2 ** 63), 1e308, -1e308, 5e-324, 1001, 1_000_000, Number.MAX_SAFE_INTEGER);

/** Nested arrays or objects, `depth` levels deep, as JSON text. */
export function deepJson(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** A value of the wrong kind, or the right kind gone wrong. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 3, arbitrary: nastyString },
  { weight: 1, arbitrary: hugeString },
  { weight: 2, arbitrary: extremeNumber },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, [null], { deviceId: 'dev-1' }) },
  { weight: 1, arbitrary: fc.array(validDeviceId, { minLength: 0, maxLength: 5 }) },
  { weight: 1, arbitrary: fc.constantFrom(2_000, 20_000).map((length) => Array.from({ length }, (_, i) => `d-${i}`)) },
);

const isoTime = fc.oneof(
  fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString()),
  fc.constantFrom('0000-01-01T00:00:00Z', '9999-12-31T23:59:59.999999999Z', '2026-02-30T00:00:00Z', '2026-11-23T10:00:00+14:00', '2026-11-23', 'yesterday'),
);
const position = fc.oneof(
  fc.bigInt({ min: 0n, max: 10_000n }).map(String),
  fc.constantFrom('0', '00000000000000000001', '9223372036854775807', '9223372036854775808', '18446744073709551615', '99999999999999999999', '-1', '1e3', '0x10', ' 1'),
);

const labels = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 12 }), { maxKeys: 4 });

/** Lock selectors: a known or other device, labels, both, or empty (invalid_selector). */
const lockSelector = fc.oneof(
  fc.record({ deviceId: validDeviceId }),
  fc.record({ labels }),
  fc.record({ deviceId: validDeviceId, labels }),
  fc.constantFrom({}, { labels: {} }, { labels: { team: 'fuzz' } }),
);

/** Lock expiries: none, within the allowed year, from a day ago to beyond a year (taken at generation time), or other times. */
const lockExpiry = fc.oneof(
  { weight: 3, arbitrary: fc.constant(null) },
  { weight: 3, arbitrary: fc.integer({ min: 60, max: 300 * 86_400 }).map((seconds) => new Date(Date.now() + seconds * 1000).toISOString()) },
  { weight: 2, arbitrary: fc.integer({ min: -86_400, max: 400 * 86_400 }).map((seconds) => new Date(Date.now() + seconds * 1000).toISOString()) },
  { weight: 1, arbitrary: isoTime },
);

/** awaitAcks of a kill command: short holds (a fuzz case must not wait long), or out of range. */
const awaitAcks = fc.oneof(
  { weight: 3, arbitrary: fc.record({ timeoutMs: fc.integer({ min: 1, max: 50 }) }) },
  { weight: 1, arbitrary: fc.constantFrom({}, { timeoutMs: 0 }, { timeoutMs: 30_001 }, { timeoutMs: 1.5 }, { timeoutMs: '5' }, { timeoutMs: 10, more: 1 }, { timeoutMs: Number.MAX_SAFE_INTEGER }) },
);

/** A value an endpoint might accept for a field it knows, by field name. */
function plausible(field: string, ids: FuzzIds): fc.Arbitrary<unknown> {
  switch (field) {
    case 'deviceId':
      return validDeviceId;
    case 'deviceIds':
      return fc.array(validDeviceId, { minLength: 1, maxLength: 6 });
    case 'labels':
      return labels;
    case 'reason':
    case 'name':
      return fc.string({ maxLength: 30 });
    case 'consistencyToken':
    case 'cursor':
      return position;
    case 'position':
      return ids.changePosition ? fc.oneof(fc.constant(ids.changePosition), position) : position;
    case 'receivedAt':
    case 'stoppedAt':
      return isoTime;
    case 'transport':
      return fc.constantFrom('nats', 'sse', 'pigeon', '');
    case 'awaitAcks':
      return awaitAcks;
    case 'limit':
      return fc.oneof(fc.integer({ min: 0, max: 1000 }), extremeNumber);
    case 'planTier':
      return fc.constantFrom('free', 'pro', 'scale', 'max', 'custom', 'gold');
    case 'scope':
      return fc.constantFrom('runtime', 'admin', 'root');
    case 'keyId':
      return fc.constantFrom(ids.spareKeyId, 'key_nope', '');
    case 'key':
      return fc.constantFrom(ids.adminKey, ids.runtimeKey, 'org_nope');
    case 'from':
    case 'to':
    case 'at':
      return fc.oneof(isoTime, position);
    case 'selector':
      return lockSelector;
    case 'expiresAt':
      return lockExpiry;
    case 'lockId':
      return fc.constantFrom(...(ids.lockId ? [ids.lockId] : []), '01890a5d-ac96-774b-bcce-b302099a8057', 'lock-nope', '');
    default:
      return fc.string();
  }
}

/** The ids of the fuzzed org that generated requests may name. */
export interface FuzzIds {
  readonly adminKey: string;
  readonly runtimeKey: string;
  readonly runtimeKeyId: string;
  /** A runtime key a fuzz case may revoke without locking the suite out. */
  readonly spareKeyId: string;
  /** A lock of the fuzzed org a case may lift (any other lockId is unknown). */
  readonly lockId?: string;
  /** The position of a change of the fuzzed org (dev-2's revoke) that an ack may name. */
  readonly changePosition?: string;
}

const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__', 'valueOf'] as const;

/** An object of the endpoint's fields (plausible or hostile) and maybe stray keys. */
export function fieldObject(fields: readonly string[], ids: FuzzIds): fc.Arbitrary<Record<string, unknown>> {
  const entries = fields.map((field) => fc.option(fc.tuple(fc.constant(field), fc.oneof({ weight: 3, arbitrary: plausible(field, ids) }, { weight: 1, arbitrary: hostileValue })), { nil: undefined, freq: 4 }));
  const strays = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...POLLUTION_KEYS, 'admin', 'orgId', 'allowed'), fc.string({ maxLength: 10 })), hostileValue), { maxLength: 2 });
  return fc.tuple(fc.tuple(...entries), fc.option(strays, { nil: [], freq: 4 })).map(([known, extra]) => {
    const object: Record<string, unknown> = {};
    for (const entry of [...known, ...extra]) if (entry) Object.defineProperty(object, entry[0], { value: entry[1], enumerable: true, configurable: true, writable: true });
    return object;
  });
}

/** Every field with a value the endpoint may accept, nothing else: reaches the success paths. */
export function plausibleObject(fields: readonly string[], ids: FuzzIds): fc.Arbitrary<Record<string, unknown>> {
  return fc.tuple(...fields.map((field) => plausible(field, ids))).map((values) => Object.fromEntries(fields.map((field, i) => [field, values[i]])));
}

/** A request body as sent: JSON of an object, any JSON, raw garbage, or nothing. */
export function bodyText(fields: readonly string[], ids: FuzzIds): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: 3, arbitrary: plausibleObject(fields, ids).map((object) => JSON.stringify(object)) },
    { weight: 6, arbitrary: fieldObject(fields, ids).map((object) => JSON.stringify(object)) },
    { weight: 2, arbitrary: fieldObject(fields, ids).chain((object) => pollutedJson(object)) },
    { weight: 2, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
    { weight: 2, arbitrary: rawGarbage },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

/** Valid JSON text with a `__proto__` / `constructor.prototype` key spliced in (JSON.stringify would drop or keep it as data). */
function pollutedJson(object: Record<string, unknown>): fc.Arbitrary<string> {
  const inner = JSON.stringify(object).slice(1, -1);
  const sep = inner.length > 0 ? ',' : '';
  return fc
    .constantFrom('"__proto__":{"admin":true}', '"constructor":{"prototype":{"admin":true}}', '"__proto__":null', '"\\u005f_proto__":{"x":1}', '"labels":{"__proto__":{"x":"1"}}')
    .map((poison) => `{${inner}${sep}${poison}}`);
}

/** Text that is not the JSON an endpoint wants, or not JSON at all. */
export const rawGarbage: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom(10, 1_000, 10_000).chain((depth) => fc.constantFrom<'array' | 'object'>('array', 'object').map((kind) => deepJson(depth, kind))),
  fc.constantFrom(
    '{"deviceId":"dev-1"',
    '{"deviceId":"dev-1"}garbage',
    '{"deviceId":"dev-1","deviceId":"dev-2"}',
    '\ufeff{"deviceId":"dev-1"}',
    '{"deviceId":"\\ud800"}',
    '{"deviceId":"dev-1\\u0000"}',
    '{"limit":1e999}',
    '{"limit":-0}',
    '{"deviceIds":[' + '"d",'.repeat(5000) + '"d"]}',
    '[' + '0,'.repeat(20_000) + '0]',
    'null',
    'true',
    '0',
    '""',
    '{}',
    '[]',
    ' ',
    'NaN',
    "{'deviceId':'dev-1'}",
    '{"deviceId":"dev-1",}',
    '\u0000',
  ),
);

/** Query parameters: the endpoint's fields, repeated or stray parameters, raw escapes. */
export function queryString(fields: readonly string[], ids: FuzzIds): fc.Arbitrary<string> {
  const value = (field: string) =>
    fc.oneof(
      { weight: 4, arbitrary: plausible(field, ids).map((v) => encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v) ?? '')) },
      { weight: 2, arbitrary: nastyString.map((v) => encodeURIComponent(v.replace(/[\ud800-\udfff]/g, '?'))) },
      { weight: 1, arbitrary: fc.constantFrom('%', '%ZZ', '%00', '%C0%AF', '%FF%FE', '%E2%80%AE', '%2525', '+', '&', '=', 'a%20b', '%5B%5D', '[]') },
      { weight: 1, arbitrary: fc.constantFrom(500, 1_000).map((length) => 'x'.repeat(length)) },
    );
  const param = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...(fields.length > 0 ? fields : ['deviceId'])).chain((field) => value(field).map((v) => `${field}=${v}`)) },
    { weight: 1, arbitrary: fc.constantFrom(...POLLUTION_KEYS, 'deviceId[]', 'deviceId[a]', 'a.b', '', '=').chain((name) => value('x').map((v) => `${encodeURIComponent(name)}=${v}`)) },
    { weight: 1, arbitrary: fc.constantFrom('deviceId', '&', '&&', '=', '==x', 'deviceId') },
  );
  return fc.array(param, { maxLength: 4 }).map((params) => (params.length === 0 ? '' : `?${params.join('&')}`));
}

/**
 * Path tricks: dot segments (raw, %2e, double-encoded), extra and trailing slashes, encoded
 * letters, case, NUL and unicode segments, long paths. Only well-formed percent escapes: a
 * malformed one is Fastify's FST_ERR_BAD_URL, covered on its own as a known issue.
 */
export function pathVariant(path: string): fc.Arbitrary<string> {
  const segments = path.split('/').filter(Boolean);
  const last = segments[segments.length - 1] ?? '';
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant(path) },
    fc.constantFrom(
      `${path}/`,
      `${path}//`,
      path.replace('/api/v1/', '/api/v1//'),
      path.replace('/api/v1/', '/api/v1/./'),
      path.replace('/api/v1/', '/api/v1/x/../'),
      path.replace('/api/v1/', '/api/v1/%2e%2e/v1/'),
      path.replace('/api/v1/', '/api/v1/%252e%252e/'),
      path.replace(/\/([a-z])/, (_m, letter: string) => `/%${letter.charCodeAt(0).toString(16)}`),
      path.replace(/\/([a-z])/, (_m, letter: string) => `/%25${letter.charCodeAt(0).toString(16)}`),
      path.toUpperCase(),
      `${path}%00`,
      `${path}%00.json`,
      `${path};jsessionid=1`,
      `${path}/..`,
      `${path}/%2e%2e/%2e%2e/%2e%2e/etc/passwd`,
      `/api/v1/${'../'.repeat(8)}etc/passwd`,
      path.replace(last, `${last}%E2%80%AE`),
      path.replace(last, `${last}%F0%9F%98%80`),
      `/api/v1/${'a/'.repeat(2_000)}`,
      `${path}/${'x'.repeat(4_000)}`,
      '/',
      '',
    ).map((variant) => (variant.startsWith('/') ? variant : `/${variant}`)),
    { weight: 1, arbitrary: nastyString.map((s) => `/api/v1/devices/${encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '?'))}`) },
  );
}

/** Header values node:http will send (it refuses CR, LF and NUL; raw sockets cover those). */
const sendable = (s: string) => s.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');

/** x-org-key: a real key of either scope, a revoked one, another org's, or garbage. */
export function orgKeyHeader(keys: Readonly<Record<'admin' | 'runtime' | 'revoked' | 'otherOrg', string>>): fc.Arbitrary<string | string[] | undefined> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant(keys.admin) },
    { weight: 3, arbitrary: fc.constant(keys.runtime) },
    { weight: 1, arbitrary: fc.constantFrom(keys.revoked, keys.otherOrg) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.constantFrom('', ' ', 'org_', 'rt_', `${keys.admin} `, ` ${keys.admin}`, keys.admin.toUpperCase(), `${keys.admin}\t`, 'x'.repeat(257), 'x'.repeat(5_000)),
        fc.string({ unit: 'binary', maxLength: 40 }).map(sendable),
        fc.constant<string[]>([keys.admin, keys.admin]),
        fc.constant<string[]>([keys.runtime, keys.admin]),
      ),
    },
  );
}

/** Authorization: the admin token as it should be sent, and ways to get it wrong. */
export function authorizationHeader(adminToken: string): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: 5, arbitrary: fc.constant(`Bearer ${adminToken}`) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.constantFrom('Bearer', 'Bearer ', `bearer ${adminToken}`, `Bearer  ${adminToken}  `, `Basic ${Buffer.from(`admin:${adminToken}`).toString('base64')}`, `Bearer ${adminToken}x`, `Bearer ${'x'.repeat(5_000)}`, `Bearer ${adminToken} extra`),
        fc.string({ unit: 'binary', maxLength: 40 }).map(sendable),
      ),
    },
  );
}

/** content-type: JSON most of the time, else none, text, forms, multipart, charset tricks, garbage. */
export const contentTypeHeader: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  {
    weight: 4,
    arbitrary: fc.oneof(
      fc.constantFrom(
        undefined,
        'text/plain',
        'text/plain; charset=utf-8',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=----x',
        'application/json; charset=utf-16',
        'application/json; charset=latin1',
        'application/json; charset=utf-8; charset=utf-7',
        'APPLICATION/JSON',
        'application/json;;;',
        'application/jsonp',
        'application/problem+json',
        'application/octet-stream',
        '*/*',
        '',
        'json',
      ),
      fc.string({ unit: 'binary', maxLength: 30 }).map(sendable),
    ),
  },
);
