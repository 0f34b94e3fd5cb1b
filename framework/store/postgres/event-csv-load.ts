/**
 * The columnar events load into the PostgreSQL store. The rules run set-based where they
 * already do for the DuckDB store: the staging DuckDB (staging.ts) runs the DuckDB store's
 * load (DuckDBEventsCsvLoad: the same SQL, the same hand-back of uncertain rows to the row
 * path's checks), the day in a schema of its own. As each exported file is checked, its
 * events leave the staging for PostgreSQL (DuckDB writes them in COPY's text format, one
 * `COPY events FROM STDIN` sends them) while the next file is checked, so PostgreSQL's COPY
 * in overlaps the export. Rejects go to PostgreSQL as they are found. The timeuuid dedupe
 * keeps a timeuuid's first row in export order: before a file's events are sent, those whose
 * timeuuid an earlier file sent, or an earlier row of the file has, are dropped and counted;
 * the staging keeps the timeuuids it sent. Everything goes through the day's client, in its
 * transaction and under its advisory lock (both held by the day load), so a failure leaves
 * the previous day.
 */
import type pg from 'pg';
import { DuckDBEventsCsvLoad } from '../duckdb/event-csv-load.js';
import { literal } from '../duckdb/metric-csv-sql.js';
import { TABLES, type RejectRecord } from '../schema.js';
import type { ColumnarDayLoad, ColumnarDayResult, DayLoadTarget, EventsCsvSpec } from '../types.js';
import { copyFileIn, copyText, StagingSchema } from './staging.js';

/** The day load's side of the staging: its PostgreSQL client (in the day's transaction) and its rejects. */
export interface PostgresEventsDaySide {
  client: pg.PoolClient;
  appendRejects(rejects: RejectRecord[]): Promise<void>;
}

/** The timeuuids sent so far. */
const SENT = 'wharf_sent_timeuuids';
const TEXT_COLUMNS = ['event_name', 'event_value', 'event_metadata', '"user"', 'user_id', 'custom_ids', 'timeuuid'];
const EVENTS_TABLE = `CREATE TABLE ${TABLES.events} (ingestion VARCHAR, day DATE, "timestamp" TIMESTAMP,
  event_name VARCHAR, event_value VARCHAR, event_metadata VARCHAR, "user" VARCHAR, user_id VARCHAR,
  custom_ids VARCHAR, timeuuid VARCHAR)`;

export class PostgresEventsCsvLoad implements ColumnarDayLoad {
  private staging: { schema: StagingSchema; load: DuckDBEventsCsvLoad } | null = null;
  private readonly ready: Promise<void>;
  /** The COPY of the last batch sent, still running while the next file is checked. */
  private sending: Promise<void> = Promise.resolve();
  private batches = 0;
  /** Rows dropped because an earlier row had their timeuuid. */
  private duplicates = 0;
  /** The staged events in COPY's text format, ingestion and day first. */
  private readonly select: string;

  constructor(
    private readonly target: Required<DayLoadTarget>,
    private readonly spec: EventsCsvSpec,
    private readonly day: PostgresEventsDaySide,
  ) {
    // DuckDB's text of a TIMESTAMP (`2026-10-05 09:00:00.123`) is the row path's, read in the session's UTC.
    const columns = [literal(target.ingestion), literal(target.date), 'CAST("timestamp" AS VARCHAR)'];
    this.select = `SELECT ${[...columns, ...TEXT_COLUMNS.map(copyText)].join(', ')} FROM ${TABLES.events}`;
    this.ready = this.open();
    // Reported by the first call that waits for it.
    this.ready.catch(() => undefined);
  }

  async append(file: string, rows: number): Promise<void> {
    await this.ready;
    await this.staging!.load.append(file, rows);
    await this.send();
  }

  async appendOversize(line: string): Promise<void> {
    await this.ready;
    await this.staging!.load.appendOversize(line);
    await this.send();
  }

  /**
   * Ends the day in the staging, whose events were all sent (so its own dedupe finds none),
   * waits for the last COPY, then drops the staging.
   */
  async finish(): Promise<ColumnarDayResult> {
    await this.ready;
    const result = await this.staging!.load.finish();
    await this.sending;
    await this.dispose();
    const duplicates = result.duplicates + this.duplicates;
    return { ...result, rowsLoaded: result.rowsLoaded - this.duplicates, duplicates };
  }

  /** Drops the staging (also when the day failed), once its last COPY has settled; safe to call more than once. */
  async dispose(): Promise<void> {
    const staging = this.staging;
    this.staging = null;
    await this.sending.catch(() => undefined);
    await staging?.schema.close();
  }

  private async open(): Promise<void> {
    const schema = await StagingSchema.open(this.target.loadId, [
      EVENTS_TABLE,
      `CREATE TABLE ${SENT} (timeuuid VARCHAR)`,
    ]);
    const load = new DuckDBEventsCsvLoad(schema.connection, this.target, this.spec, {
      ready: Promise.resolve(),
      appendRejects: (rejects) => this.day.appendRejects(rejects),
    });
    this.staging = { schema, load };
  }

  /**
   * Sends the staged events to PostgreSQL (after the dedupe) and empties the staging table:
   * the COPY runs in the background while the next file is checked and its batch written; the
   * next batch's COPY starts after it (one at a time on the day's client), and so reports its failure.
   */
  private async send(): Promise<void> {
    const { schema } = this.staging!;
    const c = schema.connection;
    if (this.spec.timeuuid) this.duplicates += await this.dropRepeats();
    const batch = await schema.writeCopyText(this.select, `batch-${(this.batches += 1)}`);
    if (batch === null) return;
    if (this.spec.timeuuid) await c.run(`INSERT INTO ${SENT} SELECT timeuuid FROM ${TABLES.events}`);
    // A new table rather than a DELETE: its memory is freed at once.
    await c.run(`DROP TABLE ${TABLES.events}`);
    await c.run(EVENTS_TABLE);
    const into = `${TABLES.events} (ingestion, day, "timestamp", ${TEXT_COLUMNS.join(', ')})`;
    await this.sending;
    this.sending = copyFileIn(this.day.client, batch.file, into);
    // Reported by the next send or finish.
    this.sending.catch(() => undefined);
  }

  /**
   * Drops the staged events whose timeuuid was sent before or repeats an earlier staged row's
   * (rowid: export order, as the DuckDB store's dedupe reads it); returns how many.
   */
  private async dropRepeats(): Promise<number> {
    const c = this.staging!.schema.connection;
    const e = TABLES.events;
    const sent = await c.run(`DELETE FROM ${e} WHERE timeuuid IN (SELECT timeuuid FROM ${SENT})`);
    const [[n]] = (await c.runAndReadAll(`SELECT count(*) - count(DISTINCT timeuuid) FROM ${e}`)).getRows();
    if (Number(n) === 0) return Number(sent.rowsChanged);
    const repeated = await c.run(
      `DELETE FROM ${e} WHERE rowid IN (SELECT rowid FROM (
        SELECT rowid, row_number() OVER (PARTITION BY timeuuid ORDER BY rowid) AS n FROM ${e}
      ) WHERE n > 1)`,
    );
    return Number(sent.rowsChanged) + Number(repeated.rowsChanged);
  }
}
