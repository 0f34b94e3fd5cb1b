/**
 * The columnar events load into the PostgreSQL store. The rules run set-based where they
 * already do for the DuckDB store: the staging DuckDB (staging.ts) runs the DuckDB store's
 * load (DuckDBEventsCsvLoad: the same SQL, the same hand-back of uncertain rows to the row
 * path's checks), the day in a schema of its own. As each exported file is checked, its
 * events leave the staging for PostgreSQL (DuckDB writes them as CSV, one
 * `COPY events FROM STDIN` sends them) while the next file is checked, so PostgreSQL's COPY
 * in overlaps the export. Rejects go to PostgreSQL as they are found. The timeuuid dedupe
 * keeps a timeuuid's first row in export order: before a file's events are sent, those whose
 * timeuuid an earlier file sent, or an earlier row of the file has, are dropped and counted;
 * the staging keeps the timeuuids it sent (sent-timeuuids.ts). Everything goes through the
 * day's client, in its transaction and under its advisory lock (both held by the day load), so
 * a failure leaves the previous day.
 */
import type pg from 'pg';
import { DuckDBEventsCsvLoad } from '../duckdb/event-csv-load.js';
import { literal } from '../duckdb/metric-csv-sql.js';
import { DUCKDB_ROWS, TABLES, type RejectRecord } from '../schema.js';
import type { ColumnarDayLoad, ColumnarDayResult, DayLoadTarget, EventsCsvSpec } from '../types.js';
import { StagedCopyIn, type Staging, type StagedTable } from './staged-copy-in.js';
import { SentTimeuuids } from './sent-timeuuids.js';
import { StagingSchema } from './staging.js';

/** The day load's side of the staging: its PostgreSQL client (in the day's transaction) and its rejects. */
export interface PostgresEventsDaySide {
  client: pg.PoolClient;
  appendRejects(rejects: RejectRecord[]): Promise<void>;
}

const TEXT_COLUMNS = ['event_name', 'event_value', 'event_metadata', '"user"', 'user_id', 'custom_ids', 'timeuuid'];
/**
 * The staging's events, in the DuckDB store's shape (the DuckDB events load writes them): the
 * ingestion as a number, which nothing reads, since the rows are sent with the ingestion's name.
 */
const EVENTS_TABLE = `CREATE TABLE ${DUCKDB_ROWS.events} (ingestion_id INTEGER, day DATE, "timestamp" TIMESTAMP,
  event_name VARCHAR, event_value VARCHAR, event_metadata VARCHAR, "user" VARCHAR, user_id VARCHAR,
  custom_ids VARCHAR, timeuuid VARCHAR)`;

export class PostgresEventsCsvLoad implements ColumnarDayLoad {
  private readonly staged: StagedCopyIn<DuckDBEventsCsvLoad>;
  /** Rows dropped because an earlier row had their timeuuid. */
  private duplicates = 0;
  /** The staged events, sent as CSV, ingestion and day first. */
  private readonly table: StagedTable;
  /** The timeuuids sent so far, for the dedupe (when timeuuid is mapped). */
  private sent: SentTimeuuids | null = null;

  constructor(
    private readonly target: Required<DayLoadTarget>,
    private readonly spec: EventsCsvSpec,
    private readonly day: PostgresEventsDaySide,
  ) {
    // DuckDB's text of a TIMESTAMP (`2026-10-05 09:00:00.123`) is the row path's, read in the session's UTC.
    const columns = [literal(target.ingestion), literal(target.date), 'CAST("timestamp" AS VARCHAR)'];
    this.table = {
      name: DUCKDB_ROWS.events,
      create: EVENTS_TABLE,
      select: `SELECT ${[...columns, ...TEXT_COLUMNS].join(', ')} FROM ${DUCKDB_ROWS.events}`,
      into: `${TABLES.events} (ingestion, day, "timestamp", ${TEXT_COLUMNS.join(', ')})`,
    };
    this.staged = new StagedCopyIn(day.client, () => this.open());
  }

  async append(file: string, rows: number): Promise<void> {
    await (await this.staged.opened()).load.append(file, rows);
    await this.send();
  }

  async appendOversize(line: string): Promise<void> {
    await (await this.staged.opened()).load.appendOversize(line);
    await this.send();
  }

  /**
   * Ends the day in the staging, whose events were all sent (their repeats dropped by send),
   * waits for the last COPY, then drops the staging.
   */
  async finish(): Promise<ColumnarDayResult> {
    const result = await (await this.staged.opened()).load.finish();
    await this.staged.settled();
    await this.dispose();
    const duplicates = result.duplicates + this.duplicates;
    return { ...result, rowsLoaded: result.rowsLoaded - this.duplicates, duplicates };
  }

  /** Drops the staging (also when the day failed), once its last COPY has settled; safe to call more than once. */
  dispose(): Promise<void> {
    return this.staged.dispose();
  }

  private async open(): Promise<Staging<DuckDBEventsCsvLoad>> {
    const schema = await StagingSchema.open(this.target.loadId, [EVENTS_TABLE, ...SentTimeuuids.tables()]);
    if (this.spec.timeuuid) this.sent = new SentTimeuuids(schema.connection);
    const load = new DuckDBEventsCsvLoad(schema.connection, { ...this.target, ingestionId: 0 }, this.spec, {
      ready: Promise.resolve(),
      appendRejects: (rejects) => this.day.appendRejects(rejects),
      callerDropsRepeats: true,
    });
    return { schema, load };
  }

  /**
   * Sends the staged events to PostgreSQL (after the dedupe) and empties the staging table:
   * the COPY runs in the background while the next file is checked and its batch written; the
   * next batch's COPY starts after it (one at a time on the day's client), and so reports its failure.
   */
  private async send(): Promise<void> {
    if (!this.sent) return this.staged.send(this.table);
    const sent = this.sent;
    this.duplicates += await sent.dropRepeats();
    await this.staged.send(this.table, () => sent.remember());
  }
}
