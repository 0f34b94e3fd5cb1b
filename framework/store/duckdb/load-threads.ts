/**
 * While columnar metrics or events loads run, the store's DuckDB runs each statement on one
 * thread: every file insert fills at most one row group, which one thread does anyway, the
 * loads' two lanes (and an events load's side connection, see DuckDBDayLoad.eventsCsv) give the
 * parallelism, and idle worker threads would only compete with them for the cores. The setting
 * is the database's, so it is counted across loads and restored after the last.
 */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

export class LoadThreads {
  private static readonly byInstance = new WeakMap<DuckDBInstance, LoadThreads>();
  private users = 0;
  private saved: string | null = null;
  private chain: Promise<void> = Promise.resolve();
  private connection: DuckDBConnection | null = null;

  private constructor(private readonly instance: DuckDBInstance) {}

  static of(instance: DuckDBInstance): LoadThreads {
    let threads = LoadThreads.byInstance.get(instance);
    if (!threads) LoadThreads.byInstance.set(instance, (threads = new LoadThreads(instance)));
    return threads;
  }

  acquire(): Promise<void> {
    if (this.users++ === 0)
      this.enqueue(async (c) => {
        this.saved = String((await c.runAndReadAll(`SELECT current_setting('threads')`)).getRows()[0][0]);
        await c.run('SET threads = 1');
      });
    return this.chain;
  }

  release(): void {
    if (--this.users === 0)
      this.enqueue(async (c) => {
        if (this.saved !== null) await c.run(`SET threads = ${Number(this.saved)}`);
        if (this.users === 0) {
          c.closeSync();
          this.connection = null;
        }
      });
  }

  private enqueue(step: (c: DuckDBConnection) => Promise<void>): void {
    // Only speed depends on it: a failed change leaves the loads correct.
    this.chain = this.chain
      .then(async () => step((this.connection ??= await this.instance.connect())))
      .catch(() => undefined);
  }
}
