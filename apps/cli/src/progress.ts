import { SingleBar, Presets } from 'cli-progress';

/** A progress bar on stderr for long work; silent when stderr is not a terminal (CI, pipes). */
export class Progress {
  private bar: SingleBar | undefined;

  constructor(
    private readonly label: string,
    /** What is counted (shown after the count). */
    private readonly unit = 'events',
  ) {}

  /** Updates the count (total may be unknown: then the bar shows the count only). */
  update(done: number, total?: number): void {
    if (!process.stderr.isTTY) return;
    if (!this.bar) {
      this.bar = new SingleBar(
        { format: `${this.label} [{bar}] {value}${total ? '/{total}' : ''} ${this.unit} | {duration_formatted}`, stream: process.stderr, hideCursor: true },
        Presets.shades_classic,
      );
      this.bar.start(total ?? 0, done);
    }
    if (total !== undefined) this.bar.setTotal(total);
    this.bar.update(done);
  }

  stop(): void {
    this.bar?.stop();
  }
}
