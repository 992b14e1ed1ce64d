import { RouteConfig } from '@nestjs/platform-fastify';

/**
 * Puts a route under the per-key rate limit (`WARDEN_REGISTER_RATE_LIMIT` per
 * `WARDEN_REGISTER_RATE_WINDOW_MS`, counted per presented key): over it, 429 `rate_limited`
 * with `retry-after`, before the handler runs, so nothing is written. The limit itself is
 * registered by `registerSecurityPlugins`; with the limit set to 0 this marker does nothing.
 */
export const PerKeyRateLimit = (): MethodDecorator => RouteConfig({ rateLimit: {} });
