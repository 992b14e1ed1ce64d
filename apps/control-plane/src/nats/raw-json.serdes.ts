import type { Deserializer, IncomingRequest, Serializer } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import secureJson from 'secure-json-parse';

/** Marks a request body that was not valid JSON, so the handler answers invalid_json instead of crashing. */
export const INVALID_JSON = Symbol('invalid-json');

/**
 * NATS request/reply for runtimes in any language: the request is the plain JSON payload
 * (no Nest envelope), and a message with a reply subject is a request (Nest would
 * otherwise treat an envelope-less message as a fire-and-forget event).
 */
export class RawJsonDeserializer implements Deserializer<Uint8Array, IncomingRequest> {
  deserialize(value: Uint8Array, options?: { channel?: string; replyTo?: string }): IncomingRequest {
    let data: unknown;
    try {
      data = secureJson.parse(Buffer.from(value).toString('utf8'), undefined, { protoAction: 'error', constructorAction: 'error' });
    } catch {
      data = INVALID_JSON;
    }
    return { pattern: options?.channel ?? '', data, id: options?.replyTo ? randomUUID() : (undefined as unknown as string) };
  }
}

/** Replies with the handler's plain JSON answer (no Nest envelope). */
export class RawJsonSerializer implements Serializer<{ response?: unknown; err?: unknown }, { data: Uint8Array }> {
  serialize(packet: { response?: unknown; err?: unknown }): { data: Uint8Array } {
    const body = packet.err !== undefined ? { status: 'error', error: 'internal_error', message: 'the request could not be handled' } : packet.response;
    return { data: Buffer.from(JSON.stringify(body ?? null)) };
  }
}
