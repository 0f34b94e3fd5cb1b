/**
 * Whether any of a day's timeuuids may repeat, known while the day loads, so that a day
 * without repeats skips the end-of-day count (`count(*) - count(DISTINCT timeuuid)` over the
 * day's rows, which runs after the export has ended). Fed each file's timeuuids as the two
 * halves of their 64-bit DuckDB hash, read on the store's side connection while the file's
 * rows are inserted. Equal texts have equal hashes, so a repeat is never missed; a different
 * text that happens to match (about one day in a thousand at 3,000,000 events) only sends
 * the day to the exact count. The table is of fixed size (16 MB): a day with more timeuuids
 * than it holds gives up, and its end counts exactly as before.
 */
const SLOTS = 1 << 22;
/** Entries at most (three quarters full), beyond which probing gets long. */
const MOST = (SLOTS / 4) * 3;
/** The slot is the hash's top 22 bits: hashes added in order then probe the table front to back (few cache misses). */
const HIGH_SHIFT = 32 - 22;

/** A column of hash halves (a DuckDB UINTEGER vector). */
export interface HashHalves {
  getItem(i: number): number | null;
}

export class TimeuuidRepeats {
  /** Open addressing: the slot is chosen by the hash's top bits, the low half stored (0: empty). */
  private slots: Uint32Array | null = null;
  private entries = 0;
  private unsure = false;

  /** Whether a repeat may exist (or nothing can be said): the day's end must count them. */
  get mayRepeat(): boolean {
    return this.unsure;
  }

  /** Stops tracking (a row stored without passing through add, a day too large): the day's end counts. */
  giveUp(): void {
    this.unsure = true;
    this.slots = null;
  }

  /** Adds `count` timeuuid hashes, given as high and low halves. */
  add(high: HashHalves, low: HashHalves, count: number): void {
    if (this.unsure) return;
    if (this.entries + count > MOST) return this.giveUp();
    const slots = (this.slots ??= new Uint32Array(SLOTS));
    const mask = SLOTS - 1;
    for (let i = 0; i < count; i++) {
      const stored = low.getItem(i) || 1;
      let slot = (high.getItem(i) ?? 0) >>> HIGH_SHIFT;
      while (slots[slot] !== 0) {
        if (slots[slot] === stored) return this.giveUp();
        slot = (slot + 1) & mask;
      }
      slots[slot] = stored;
    }
    this.entries += count;
  }
}
