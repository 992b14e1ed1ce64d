import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { WardenConfig } from '../config/warden-config';

export const CONSOLE_PATH = '/console';

/** True for the console's own URLs (the page and its assets), which get the console's headers. */
export function isConsoleUrl(url: string): boolean {
  return url.startsWith(CONSOLE_PATH) && (url.length === CONSOLE_PATH.length || url[CONSOLE_PATH.length] === '/' || url[CONSOLE_PATH.length] === '?');
}

/**
 * Serves the operator console (apps/console, built by Vite into `config.consoleDir`) on the
 * API's own origin: hashed assets under /console/assets/ (cached for a year: their names
 * change with their content), and index.html for /console and every other /console/ path
 * (the console routes in the browser), never cached. The page talks to the public API with
 * the org key in a header, like any client: no private route, no cookie. Security headers
 * (a policy without inline scripts) come from security-plugins.ts.
 */
export async function registerConsole(app: NestFastifyApplication, config: WardenConfig): Promise<void> {
  const root = resolve(config.consoleDir);
  await app.register(fastifyStatic, {
    root: join(root, 'assets'),
    prefix: `${CONSOLE_PATH}/assets/`,
    decorateReply: false,
    index: false,
    redirect: false,
    maxAge: '365d',
    immutable: true,
    suppressWarning: true,
  });
  const index = join(root, 'index.html');
  const page = async (_request: unknown, reply: FastifyReply) => {
    let html: string;
    try {
      html = await readFile(index, 'utf8');
    } catch {
      return reply.status(404).send({ status: 'error', error: 'console_not_built', message: 'the console is not built: run npm run build (npm start builds it when missing)' });
    }
    return reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
  };
  const fastify = app.getHttpAdapter().getInstance();
  fastify.get(CONSOLE_PATH, page);
  fastify.get(`${CONSOLE_PATH}/*`, page);
}
