import rateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { hashKey } from '@warden/enforcement';
import { PermissionProjection } from '@warden/projection';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { WardenConfig } from '../config/warden-config';
import { isConsoleUrl } from './console.route';
import { RateLimited, RegisterAllowance } from './register-allowance';

/**
 * Security headers, computed once. The API answers JSON only, so its policy forbids every
 * kind of content and framing; `no-store` because answers hold keys (org/create, org/keys)
 * and permission state that must never be served from a cache.
 */
export const API_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
};

/** The OpenAPI page (Swagger UI: its own scripts and styles, inline styles, data: images). */
const DOCS_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
};

/**
 * The operator console (/console): scripts, styles, images and API calls from this origin
 * only, no inline script or style element (Vite builds external module scripts and one
 * stylesheet), no plugins, no framing, no <base>, and no form submission at all (forms are
 * handled by script: a form that the browser submitted itself could carry a key into a URL).
 */
export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
    "manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

/**
 * Registers the HTTP security measures on the Fastify instance: security headers on every
 * answer, and the per-key limit (`RegisterAllowance`, shared with NATS request/reply) on routes
 * marked with `PerKeyRateLimit()` (register). Must run before the routes are registered (before
 * `app.init()`), since both act on route registration.
 *
 * The headers come from one synchronous hook with precomputed values, not from
 * `@fastify/helmet`: that plugin builds a helmet middleware on every request, which cost
 * about 40% of the throughput of a trivial route here (bench noted in SECURITY.md).
 */
export async function registerSecurityPlugins(app: NestFastifyApplication, config: WardenConfig): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', addSecurityHeaders);
  if (config.registerRateLimit.max === 0) return;
  const allowance = app.get(RegisterAllowance);
  const projection = app.get(PermissionProjection);
  await app.register(rateLimit, {
    global: false,
    max: allowance.max,
    timeWindow: allowance.windowMs,
    store: allowance.asStore(),
    // Counted per key, by its sha256 (the raw key is never kept, not even in memory).
    keyGenerator: presentedKeyHash,
    // Missing, unknown and revoked keys are answered 401 by the guard and write nothing: they
    // get no counter, so a flood of made-up keys cannot evict the counter of a leaked one.
    allowList: (_request: FastifyRequest, keyHash: string) => keyHash === '' || projection.authenticate(keyHash) === undefined,
    errorResponseBuilder: (_request: FastifyRequest, context: { ttl: number }) => new RateLimited(context.ttl),
  });
}

function addSecurityHeaders(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const url = request.url;
  reply.headers(url.startsWith('/docs') ? DOCS_HEADERS : isConsoleUrl(url) ? CONSOLE_HEADERS : API_HEADERS);
  done();
}

function presentedKeyHash(request: FastifyRequest): string {
  const key = request.headers['x-org-key'];
  return typeof key === 'string' && key.length > 0 ? hashKey(key) : '';
}
