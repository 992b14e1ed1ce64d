import { Presets, SingleBar } from 'cli-progress';

/**
 * Progress of a propagation report while `warden propagation --wait` polls it: a bar of acked
 * targets on a terminal (stderr); without one (CI, pipes) a line each time the count moves, so
 * a log shows the acks arriving.
 */
export class AckProgress {
  private bar: SingleBar | undefined;
  private last: string | undefined;

  update(acked: number, targets: number, pending: number): void {
    if (!process.stderr.isTTY) {
      const line = `acked ${acked}/${targets}, ${pending} pending`;
      if (line !== this.last) process.stderr.write(`${line}\n`);
      this.last = line;
      return;
    }
    if (!this.bar) {
      this.bar = new SingleBar(
        { format: 'propagation [{bar}] {value}/{total} acked | {pending} pending | {duration_formatted}', stream: process.stderr, hideCursor: true },
        Presets.shades_classic,
      );
      this.bar.start(targets, acked, { pending });
    }
    this.bar.setTotal(targets);
    this.bar.update(acked, { pending });
  }

  stop(): void {
    this.bar?.stop();
  }
}
