import { ConfigError, loadConfig } from './warden-config';

describe('loadConfig', () => {
  it('needs no variables: SQLite under ./data, HTTP on 127.0.0.1:8080', () => {
    expect(loadConfig({})).toMatchObject({ ledger: 'sqlite', dataDir: './data', http: { host: '127.0.0.1', port: 8080 }, natsUrl: undefined });
  });

  it.each([
    ['WARDEN_HTTP_PORT', 'eighty'],
    ['WARDEN_HTTP_PORT', '70000'],
    ['WARDEN_LEDGER', 'postgres'],
    ['WARDEN_ADMIN_TOKEN', 'short'],
    ['WARDEN_NODE_ID', 'has spaces'],
    ['WARDEN_LOG_LEVEL', 'loud'],
  ])('refuses a bad %s with a message naming it', (name, value) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(name);
    expect((error as Error).message).toContain(JSON.stringify(value));
  });

  it('limits registrations per key by default (1200 a minute), and 0 turns the limit off', () => {
    expect(loadConfig({}).registerRateLimit).toEqual({ max: 1200, windowMs: 60_000 });
    expect(loadConfig({ WARDEN_REGISTER_RATE_LIMIT: '0', WARDEN_REGISTER_RATE_WINDOW_MS: '1000' }).registerRateLimit).toEqual({ max: 0, windowMs: 1000 });
    expect(() => loadConfig({ WARDEN_REGISTER_RATE_LIMIT: '-1' })).toThrow(/WARDEN_REGISTER_RATE_LIMIT/);
    expect(() => loadConfig({ WARDEN_REGISTER_RATE_WINDOW_MS: '10' })).toThrow(/WARDEN_REGISTER_RATE_WINDOW_MS/);
  });

  it('bounds consistency waits (10000 open) and SSE watches (100 per key, 10000 per node) by default', () => {
    expect(loadConfig({})).toMatchObject({ consistencyMaxWaits: 10_000, watches: { maxPerKey: 100, max: 10_000 } });
    expect(loadConfig({ WARDEN_CONSISTENCY_MAX_WAITS: '0', WARDEN_WATCH_MAX_PER_KEY: '3', WARDEN_WATCH_MAX: '5' })).toMatchObject({
      consistencyMaxWaits: 0,
      watches: { maxPerKey: 3, max: 5 },
    });
    expect(() => loadConfig({ WARDEN_CONSISTENCY_MAX_WAITS: '-1' })).toThrow(/WARDEN_CONSISTENCY_MAX_WAITS/);
    expect(() => loadConfig({ WARDEN_WATCH_MAX_PER_KEY: '0' })).toThrow(/WARDEN_WATCH_MAX_PER_KEY/);
    expect(() => loadConfig({ WARDEN_WATCH_MAX: 'many' })).toThrow(/WARDEN_WATCH_MAX/);
  });

  it('bounds the SQLite WAL at 16 MiB by default, and refuses a bound of 0', () => {
    expect(loadConfig({}).sqliteWalLimitMb).toBe(16);
    expect(loadConfig({ WARDEN_SQLITE_WAL_LIMIT_MB: '64' }).sqliteWalLimitMb).toBe(64);
    expect(() => loadConfig({ WARDEN_SQLITE_WAL_LIMIT_MB: '0' })).toThrow(/WARDEN_SQLITE_WAL_LIMIT_MB/);
  });

  it('bounds audit queries by default (2 per org, 8 per node, 10 s each), and refuses a bound below 1', () => {
    expect(loadConfig({}).auditQueries).toEqual({ perOrg: 2, perNode: 8, timeoutMs: 10_000 });
    const set = { WARDEN_AUDIT_MAX_QUERIES_PER_ORG: '1', WARDEN_AUDIT_MAX_QUERIES: '3', WARDEN_AUDIT_QUERY_TIMEOUT_MS: '250' };
    expect(loadConfig(set).auditQueries).toEqual({ perOrg: 1, perNode: 3, timeoutMs: 250 });
    for (const name of Object.keys(set)) expect(() => loadConfig({ [name]: '0' })).toThrow(new RegExp(name));
  });

  it('requires EVENTSTORE_URL with the eventstoredb ledger', () => {
    expect(() => loadConfig({ WARDEN_LEDGER: 'eventstoredb' })).toThrow(/EVENTSTORE_URL/);
  });

  it('treats empty optional variables as unset', () => {
    expect(loadConfig({ NATS_URL: '', WARDEN_ADMIN_TOKEN: '' })).toMatchObject({ natsUrl: undefined, adminToken: undefined });
  });
});
