/**
 * The query timeout of a DuckDB source: interrupts the connection's running statement when it
 * has run longer than the timeout. Paused while a stream's consumer holds a batch, so only
 * time spent in DuckDB counts, as a warehouse's statement timeout counts per fetch.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

export class Watchdog {
  private timer: NodeJS.Timeout | null = null;
  /** The timeout fired and interrupted the statement. */
  fired = false;

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly ms: number,
  ) {
    this.resume();
  }

  resume(): void {
    if (this.fired || this.ms <= 0) return;
    this.pause();
    this.timer = setTimeout(() => {
      this.fired = true;
      this.connection.interrupt();
    }, this.ms);
    this.timer.unref();
  }

  pause(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
