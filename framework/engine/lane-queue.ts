/**
 * Runs up to `width` jobs at once, in the order they were queued, except that two jobs of one
 * key never overlap: a day's files go to its own load one at a time (a load runs one
 * statement at a time), and any free lane takes the next file of a day not loading. Each
 * file's insert runs on one thread, so the lanes are the parallelism.
 */
export class LaneQueue {
  private readonly waiting: { key: number; job: () => Promise<void> }[] = [];
  private readonly busy = new Set<number>();
  private running = 0;
  private idleWaiters: (() => void)[] = [];
  private belowWaiters: { n: number; resolve: () => void }[] = [];
  private idleLane: ((busy: (key: number) => boolean) => void) | null = null;

  constructor(private readonly width: number) {}

  /**
   * Calls `listener` whenever a lane is free and no queued job can take it, with whether a
   * key has a job running (a job of that key would wait), so it can push one.
   */
  onIdleLane(listener: (busy: (key: number) => boolean) => void): void {
    this.idleLane = listener;
    if (this.running < this.width) listener(this.isBusy);
  }

  private readonly isBusy = (key: number) => this.busy.has(key);

  push(key: number, job: () => Promise<void>): void {
    this.waiting.push({ key, job });
    this.next();
  }

  /** Settles once every queued job has run (jobs report their own errors). */
  idle(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Settles once fewer than `n` jobs wait for a lane. */
  below(n: number): Promise<void> {
    if (this.waiting.length < n) return Promise.resolve();
    return new Promise((resolve) => this.belowWaiters.push({ n, resolve }));
  }

  private next(): void {
    while (this.running < this.width) {
      const i = this.waiting.findIndex((w) => !this.busy.has(w.key));
      if (i < 0) break;
      const [{ key, job }] = this.waiting.splice(i, 1);
      this.running += 1;
      this.busy.add(key);
      void job()
        .catch(() => undefined)
        .finally(() => {
          this.running -= 1;
          this.busy.delete(key);
          this.next();
        });
    }
    if (this.running < this.width) this.idleLane?.(this.isBusy);
    const free = this.belowWaiters.filter((w) => this.waiting.length < w.n);
    this.belowWaiters = this.belowWaiters.filter((w) => this.waiting.length >= w.n);
    for (const w of free) w.resolve();
    if (this.running === 0 && this.waiting.length === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}
