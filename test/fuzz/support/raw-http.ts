import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';

/** One answer, read as text: status, content type, body (the first chunk only for an event stream). */
export interface RawResponse {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly text: string;
  /** True when the response was an event stream and the client hung up after its first chunk. */
  readonly streamed: boolean;
}

export interface RawRequest {
  readonly method: string;
  /** Sent as is: no normalisation of `..`, `%2e%2e` or double slashes (fetch would resolve them). */
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly body?: string | Buffer;
}

/**
 * An HTTP/1.1 request through node:http with the path untouched. An SSE answer is cut after
 * its first chunk; anything else is read to the end. Never rejects on an HTTP status.
 */
export function rawRequest(port: number, req: RawRequest, timeoutMs = 15_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    // An explicit length: node:http would send an OPTIONS or DELETE body unframed (no length, not chunked).
    const headers = req.body === undefined ? req.headers : { ...req.headers, 'content-length': String(Buffer.byteLength(req.body)) };
    const outgoing = httpRequest(
      { host: '127.0.0.1', port, method: req.method, path: req.path, headers, agent: false, setHost: true },
      (response) => {
        const contentType = response.headers['content-type'];
        const chunks: Buffer[] = [];
        const done = (streamed: boolean) => resolve({ status: response.statusCode ?? 0, contentType, text: Buffer.concat(chunks).toString('utf8'), streamed });
        if (contentType?.startsWith('text/event-stream')) {
          response.once('data', (chunk: Buffer) => {
            chunks.push(chunk);
            done(true);
            outgoing.destroy();
          });
          response.once('end', () => done(true));
          return;
        }
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(false));
        response.on('error', reject);
      },
    );
    outgoing.setTimeout(timeoutMs, () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms: ${req.method} ${req.path.slice(0, 200)}`)));
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}

/**
 * Raw bytes on a fresh TCP connection (for what node:http refuses to send: control bytes in
 * the request line or headers, broken framing). Resolves with everything the server sent
 * before it closed the connection.
 */
export function rawSocket(port: number, bytes: Buffer, timeoutMs = 10_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`connection still open after ${timeoutMs} ms`)));
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      const head = text.split('\r\n\r\n')[0] ?? '';
      const contentType = /\r\ncontent-type:\s*([^\r\n]+)/i.exec(head)?.[1];
      // Only the first answer: stray bytes after a request may have been answered as a second one.
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1];
      const rest = text.slice(head.length + 4);
      resolve({ status: status ? Number(status[1]) : 0, contentType, text: length === undefined ? rest : rest.slice(0, Number(length)), streamed: false });
    });
    socket.end(bytes);
  });
}
