import { performance } from 'node:perf_hooks';

/**
 * Calls `onStale` once when nothing was heard for longer than `maxSilenceMs`. One timer at a
 * time, re-armed for the remaining time when it fires early, so `heard()` costs nothing but a
 * clock read. Monotonic clock: wall-clock jumps neither hide nor fake silence.
 */
export class StalenessMonitor {
  private lastHeard = performance.now();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly maxSilenceMs: number,
    private readonly onStale: (silentMs: number) => void,
  ) {}

  start(): void {
    this.lastHeard = performance.now();
    this.arm(this.maxSilenceMs + 1);
  }

  heard(): void {
    this.lastHeard = performance.now();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.check(), Math.max(1, Math.ceil(delayMs)));
    this.timer.unref();
  }

  private check(): void {
    const silentMs = performance.now() - this.lastHeard;
    if (silentMs > this.maxSilenceMs) {
      this.stop();
      this.onStale(Math.round(silentMs));
      return;
    }
    this.arm(this.maxSilenceMs - silentMs + 1);
  }
}
