/**
 * What the PostgreSQL store's columnar loads (metrics and events) share: a staging schema
 * (staging.ts) that runs the DuckDB store's load, and the batches of staged rows sent to
 * PostgreSQL, each written as CSV by DuckDB and sent by one `COPY … FROM STDIN` on the
 * day's client while the next file is checked. One COPY runs at a time on the client, so the
 * next one reports the failure of the one before.
 */
import type pg from 'pg';
import { copyFileIn, StagingSchema } from './staging.js';

/** The staged table whose rows are sent. */
export interface StagedTable {
  name: string;
  /** Its CREATE TABLE statement, run again to empty it. */
  create: string;
  /** Its rows as they are sent (the CSV is written by DuckDB), in the column order of `into`. */
  select: string;
  /** The PostgreSQL table and columns the rows are copied into. */
  into: string;
}

/** An open staging: its schema and the DuckDB store's load running in it. */
export interface Staging<L> {
  schema: StagingSchema;
  load: L;
}

export class StagedCopyIn<L> {
  private staging: Staging<L> | null = null;
  private readonly ready: Promise<void>;
  /** The COPY of the last batch sent, still running while the next file is checked. */
  private sending: Promise<void> = Promise.resolve();
  private batches = 0;

  constructor(
    private readonly client: pg.PoolClient,
    open: () => Promise<Staging<L>>,
  ) {
    this.ready = open().then((staging) => {
      this.staging = staging;
    });
    // Reported by the first call that waits for it.
    this.ready.catch(() => undefined);
  }

  /** The staging, once open. */
  async opened(): Promise<Staging<L>> {
    await this.ready;
    return this.staging!;
  }

  /**
   * Writes the staged rows to a batch file and empties the table (`beforeEmpty`, given the
   * batch's row count, runs first), then starts the batch's COPY once the previous one has
   * finished; its failure is reported by the next send or settled().
   */
  async send(table: StagedTable, beforeEmpty?: (rows: number) => Promise<void>): Promise<void> {
    const { schema } = this.staging!;
    const batch = await schema.writeCsv(table.select, `batch-${(this.batches += 1)}`);
    if (batch === null) return;
    await beforeEmpty?.(batch.rows);
    // A new table rather than a DELETE: its memory is freed at once, and rowids start again at 0.
    await schema.connection.run(`DROP TABLE ${table.name}`);
    await schema.connection.run(table.create);
    await this.sending;
    this.sending = copyFileIn(this.client, batch.file, table.into);
    this.sending.catch(() => undefined);
  }

  /** The last COPY sent, settled. */
  settled(): Promise<void> {
    return this.sending;
  }

  /**
   * Drops the staging (also when the day failed), once its last COPY has settled; safe to call
   * more than once. A day that fails while its staging is still opening waits for it, so the
   * schema it creates is dropped and the staging database released.
   */
  async dispose(): Promise<void> {
    await this.ready.catch(() => undefined);
    const staging = this.staging;
    this.staging = null;
    await this.sending.catch(() => undefined);
    await staging?.schema.close();
  }
}
