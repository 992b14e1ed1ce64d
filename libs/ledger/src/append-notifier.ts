/**
 * In-process "something was committed" signal. A monotonically increasing sequence lets a
 * reader take a snapshot before reading and then wait only if nothing was committed since:
 * a notify that fires between "read returned nothing" and "start waiting" is never lost.
 */
export class AppendNotifier {
  private seq = 0;
  private readonly listeners = new Set<() => void>();

  /** Increases on every notify. */
  get sequence(): number {
    return this.seq;
  }

  /** Called by an adapter after a commit is visible to readers. */
  notify(): void {
    this.seq++;
    for (const listener of [...this.listeners]) listener();
  }

  /** Calls `listener` on every notify until the returned function is called. */
  listen(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
