import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';

/**
 * Header and field names whose values must never reach a log line, at the top level and one
 * level down (e.g. a NATS payload `{key}` or a reply body logged under some name).
 */
export const REDACTED_PATHS = [
  'req.headers["x-org-key"]',
  'req.headers.authorization',
  'headers["x-org-key"]',
  'headers.authorization',
  '*.headers["x-org-key"]',
  '*.headers.authorization',
  'orgApiKey',
  'key',
  'adminToken',
  'password',
  '*.orgApiKey',
  '*.key',
  '*.adminToken',
  '*.password',
];

/**
 * A server URL (or a comma-separated list of them) fit for a log line: user and password
 * (`nats://user:secret@host`) are replaced, the rest is kept so the line still says where.
 */
export function withoutCredentials(url: string): string {
  return url.replace(/\/\/[^@/,]*@/g, '//[redacted]@');
}

export function createPinoLogger(level: string): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { service: 'warden' } });
}

/** Nest's logger backed by pino, so framework and application logs are the same JSON lines. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }

  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }

  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }

  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }

  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
