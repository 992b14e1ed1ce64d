import { Writable } from 'node:stream';
import pino from 'pino';
import { REDACTED_PATHS, withoutCredentials } from './pino-logger';

describe('log redaction', () => {
  it('removes user and password from server URLs, keeping where they point', () => {
    expect(withoutCredentials('nats://warden:s3cret@127.0.0.1:4222')).toBe('nats://[redacted]@127.0.0.1:4222');
    expect(withoutCredentials('nats://tok3n@a:4222,nats://u:p@b:4222')).toBe('nats://[redacted]@a:4222,nats://[redacted]@b:4222');
    expect(withoutCredentials('nats://127.0.0.1:4222')).toBe('nats://127.0.0.1:4222');
    expect(withoutCredentials('esdb://admin:changeit@db:2113?tls=false')).toBe('esdb://[redacted]@db:2113?tls=false');
  });

  it('censors keys and tokens in logged objects, at the top level and one level down', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
    const logger = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
    logger.info({ key: 'rt_top', payload: { key: 'rt_nested', deviceId: 'd-1' }, req: { headers: { 'x-org-key': 'org_h', authorization: 'Bearer tok' } } }, 'x');
    logger.info({ reply: { orgApiKey: 'org_body' }, adminToken: 'admin-tok' }, 'y');
    const text = lines.join('');
    for (const secret of ['rt_top', 'rt_nested', 'org_h', 'Bearer tok', 'org_body', 'admin-tok']) expect(text).not.toContain(secret);
    expect(text).toContain('d-1');
  });
});
