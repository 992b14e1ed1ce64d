/**
 * In-process "something was committed" signal. A monotonically increasing sequence lets a
 * reader take a snapshot before reading and then wait only if nothing was committed since:
 * a notify that fires between "read returned nothing" and "start waiting" is never lost.
 *
 * Readers may narrow both to stream-name prefixes: a subscription to the org streams is
 * neither counted nor woken by an append to a decisions stream (under load, decision
 * batches commit all the time, and each wake-up is a read that finds nothing). A notify
 * without a stream id (unknown stream) counts for everybody.
 */
export class AppendNotifier {
  private seq = 0;
  private readonly seqByPrefix = new Map<string, number>();
  private readonly listeners = new Set<{ readonly prefixes: readonly string[] | undefined; readonly wake: () => void }>();

  /** Commits so far (of streams under `prefixes`, when given: counted from the first call naming them). */
  sequence(prefixes?: readonly string[]): number {
    if (prefixes === undefined || prefixes.length === 0) return this.seq;
    let sum = 0;
    for (const prefix of prefixes) {
      const count = this.seqByPrefix.get(prefix);
      if (count === undefined) this.seqByPrefix.set(prefix, 0);
      else sum += count;
    }
    return sum;
  }

  notify(streamId?: string): void {
    this.seq++;
    for (const [prefix, count] of this.seqByPrefix) {
      if (streamId === undefined || streamId.startsWith(prefix)) this.seqByPrefix.set(prefix, count + 1);
    }
    for (const listener of [...this.listeners]) {
      if (matches(listener.prefixes, streamId)) listener.wake();
    }
  }

  /** Calls `listener` on every commit (to a stream under `prefixes`, when given); returns the unlisten. */
  listen(wake: () => void, prefixes?: readonly string[]): () => void {
    const listener = { prefixes, wake };
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function matches(prefixes: readonly string[] | undefined, streamId: string | undefined): boolean {
  if (streamId === undefined || prefixes === undefined || prefixes.length === 0) return true;
  return prefixes.some((prefix) => streamId.startsWith(prefix));
}
