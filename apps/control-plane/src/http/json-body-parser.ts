import { WardenError } from '@warden/domain';
import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';

/**
 * The API speaks JSON only: every other body parser is removed (a form or text body gets
 * 415 unsupported_media_type), malformed JSON is `invalid_json`, an empty body reaches
 * validation as "no body" (→ invalid_request), and `__proto__` / `constructor.prototype`
 * keys are refused outright (prototype poisoning).
 */
export function useJsonBodiesOnly(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text.length === 0) {
      done(null, undefined);
      return;
    }
    try {
      done(null, parseJsonBody(text));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

/** Parses a JSON request body, refusing prototype-poisoning keys; throws `invalid_json`. */
export function parseJsonBody(text: string): unknown {
  try {
    return secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    throw new WardenError('invalid', 'invalid_json', 'the request body is not valid JSON');
  }
}
