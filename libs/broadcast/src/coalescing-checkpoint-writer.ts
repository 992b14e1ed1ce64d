import type { RelayCheckpointStore } from './relay-checkpoint';

/**
 * Saves relay checkpoints without making the relay wait for the disk: one save at a time,
 * and a position requested while a save runs replaces any older pending one, so a burst of
 * events costs one or two fsyncs. Only positions whose messages are published are ever
 * requested, so whatever lands on disk is safe to resume from.
 */
export class CoalescingCheckpointWriter {
  private wanted: bigint | undefined;
  private saved: bigint | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: RelayCheckpointStore,
    private readonly onError: (error: unknown) => void,
    initial?: bigint,
  ) {
    this.saved = initial;
    this.wanted = initial;
  }

  /** The newest position known to be saved (or loaded). */
  get lastSaved(): bigint | undefined {
    return this.saved;
  }

  /** Asks for `position` to be saved soon; older positions than one already wanted are ignored. */
  request(position: bigint): void {
    if (this.wanted !== undefined && position <= this.wanted) return;
    this.wanted = position;
    this.running ??= this.drain();
  }

  /** Resolves once the newest requested position is saved (or its save failed and was reported). */
  async flush(): Promise<void> {
    await this.running;
    if (this.pending()) {
      this.running = this.drain();
      await this.running;
    }
  }

  private pending(): boolean {
    return this.wanted !== undefined && (this.saved === undefined || this.wanted > this.saved);
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending()) {
        const position = this.wanted as bigint;
        await this.store.save(position);
        this.saved = position;
      }
    } catch (error) {
      // Not fatal: publishing goes on, and a later request or flush tries again. The worst a
      // lost save costs is republishing (deduplicated) after a restart.
      this.onError(error);
    } finally {
      this.running = undefined;
    }
  }
}
