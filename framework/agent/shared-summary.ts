/**
 * A value computed once per change and shared by every caller meanwhile: GET /v1/status
 * reads the whole ledger, so five hundred callers at once must not read it five hundred
 * times. `changed()` marks it stale; it is also remade when older than `maxAgeMs` (writes
 * by other processes on a shared store are not announced). A failed computation is not kept.
 */
export class SharedSummary<T> {
  private version = 0;
  private current: { version: number; at: number; value: Promise<T> } | null = null;

  constructor(
    private readonly compute: () => Promise<T>,
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<T> {
    const c = this.current;
    if (c && c.version === this.version && this.now() - c.at <= this.maxAgeMs) return c.value;
    const value = this.compute();
    const made = { version: this.version, at: this.now(), value };
    this.current = made;
    value.catch(() => {
      if (this.current === made) this.current = null;
    });
    return value;
  }

  changed(): void {
    this.version++;
  }
}
