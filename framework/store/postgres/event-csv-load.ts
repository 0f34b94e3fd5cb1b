/**
 * The columnar events load into the PostgreSQL store. The rules run set-based where they
 * already do for the DuckDB store: the staging DuckDB (staging.ts) runs the DuckDB store's
 * load (DuckDBEventsCsvLoad: the same SQL, the same hand-back of uncertain rows to the row
 * path's checks, the same timeuuid dedupe over the whole day), the day in a schema of its
 * own. Rejects go to PostgreSQL as they are found. Once the day is deduplicated, DuckDB
 * writes its events in COPY's text format and one `COPY events FROM STDIN` sends them, in
 * the day's transaction and under its advisory lock (both held by the day load), so a
 * failure leaves the previous day. The dedupe keeps a timeuuid's first row in export order,
 * which only the whole staged day can tell: the events are sent at the end of the day.
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

const TEXT_COLUMNS = ['event_name', 'event_value', 'event_metadata', '"user"', 'user_id', 'custom_ids', 'timeuuid'];
const EVENTS_TABLE = `CREATE TABLE ${TABLES.events} (ingestion VARCHAR, day DATE, "timestamp" TIMESTAMP,
  event_name VARCHAR, event_value VARCHAR, event_metadata VARCHAR, "user" VARCHAR, user_id VARCHAR,
  custom_ids VARCHAR, timeuuid VARCHAR)`;

export class PostgresEventsCsvLoad implements ColumnarDayLoad {
  private staging: { schema: StagingSchema; load: DuckDBEventsCsvLoad } | null = null;
  private readonly ready: Promise<void>;

  constructor(
    private readonly target: Required<DayLoadTarget>,
    private readonly spec: EventsCsvSpec,
    private readonly day: PostgresEventsDaySide,
  ) {
    this.ready = this.open();
    // Reported by the first call that waits for it.
    this.ready.catch(() => undefined);
  }

  async append(file: string, rows: number): Promise<void> {
    await this.ready;
    await this.staging!.load.append(file, rows);
  }

  async appendOversize(line: string): Promise<void> {
    await this.ready;
    await this.staging!.load.appendOversize(line);
  }

  /** Ends the day in the staging (the dedupe), sends its events to PostgreSQL, then drops the staging. */
  async finish(): Promise<ColumnarDayResult> {
    await this.ready;
    const { schema, load } = this.staging!;
    const result = await load.finish();
    // DuckDB's text of a TIMESTAMP (`2026-10-05 09:00:00.123`) is the row path's, read in the session's UTC.
    const columns = [literal(this.target.ingestion), literal(this.target.date), 'CAST("timestamp" AS VARCHAR)'];
    const select = `SELECT ${[...columns, ...TEXT_COLUMNS.map(copyText)].join(', ')} FROM ${TABLES.events}`;
    const batch = await schema.writeCopyText(select, 'events');
    const into = `${TABLES.events} (ingestion, day, "timestamp", ${TEXT_COLUMNS.join(', ')})`;
    if (batch) await copyFileIn(this.day.client, batch.file, into);
    await this.dispose();
    return result;
  }

  /** Drops the staging (also when the day failed); safe to call more than once. */
  async dispose(): Promise<void> {
    const staging = this.staging;
    this.staging = null;
    await staging?.schema.close();
  }

  private async open(): Promise<void> {
    const schema = await StagingSchema.open(this.target.loadId, [EVENTS_TABLE]);
    const load = new DuckDBEventsCsvLoad(schema.connection, this.target, this.spec, {
      ready: Promise.resolve(),
      appendRejects: (rejects) => this.day.appendRejects(rejects),
    });
    this.staging = { schema, load };
  }
}
