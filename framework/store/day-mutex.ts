/**
 * One load of a day at a time within a process: a waiting line per (ingestion, day). Across
 * processes the PostgreSQL store adds a transaction-scoped advisory lock (see
 * postgres/day-lock.ts); a DuckDB store file has only one process anyway.
 */
export class DayMutex {
  private readonly tails = new Map<string, Promise<void>>();

  /** Waits for the day's earlier holders (telling `onWait` first), then returns the release (safe to call twice). */
  async acquire(ingestion: string, day: string, onWait?: () => void): Promise<() => void> {
    const key = `${ingestion}\u0000${day}`;
    const held = this.tails.get(key);
    if (held) onWait?.();
    const previous = held ?? Promise.resolve();
    let open!: () => void;
    const mine = new Promise<void>((resolve) => (open = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      open();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }
}
