import { connect, type Socket } from 'node:net';

/**
 * Sends `total` copies of one raw HTTP/1.1 request to 127.0.0.1:`port`, pipelined: each of
 * `connections` keep-alive connections writes `batch` requests at once and writes the next
 * batch when their answers are all in. Far cheaper for the sender than one client request
 * each, so a flood test measures the server, not its client. Resolves with the answers
 * tallied by `<status> <error code>` (the JSON body's `error`, or `-`).
 */
export async function pipelinedFlood(port: number, request: string, total: number, connections = 16, batch = 100): Promise<Map<string, number>> {
  const tally = new Map<string, number>();
  let remaining = total;
  const take = () => {
    const count = Math.min(batch, remaining);
    remaining -= count;
    return count;
  };
  await Promise.all(Array.from({ length: connections }, () => runConnection(port, request, take, tally)));
  return tally;
}

async function runConnection(port: number, request: string, take: () => number, tally: Map<string, number>): Promise<void> {
  const socket = await new Promise<Socket>((resolve, reject) => {
    const opened = connect(port, '127.0.0.1', () => resolve(opened));
    opened.once('error', reject);
  });
  socket.setEncoding('latin1');
  try {
    for (let count = take(); count > 0; count = take()) await exchange(socket, request, count, tally);
  } finally {
    socket.destroy();
  }
}

/** Writes `count` requests and resolves once `count` answers have been read. */
function exchange(socket: Socket, request: string, count: number, tally: Map<string, number>): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    let answered = 0;
    const onData = (chunk: string) => {
      buffered += chunk;
      for (;;) {
        const headEnd = buffered.indexOf('\r\n\r\n');
        if (headEnd < 0) break;
        const head = buffered.slice(0, headEnd);
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffered.length < headEnd + 4 + length) break;
        const body = buffered.slice(headEnd + 4, headEnd + 4 + length);
        buffered = buffered.slice(headEnd + 4 + length);
        const outcome = `${head.slice(9, 12)} ${/"error":"([a-z_]+)"/.exec(body)?.[1] ?? '-'}`;
        tally.set(outcome, (tally.get(outcome) ?? 0) + 1);
        answered += 1;
      }
      if (answered === count) done(undefined);
    };
    const onClose = () => done(new Error(`connection closed after ${answered} of ${count} answers`));
    const done = (error: Error | undefined) => {
      socket.off('data', onData);
      socket.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.write(request.repeat(count), 'latin1');
  });
}
