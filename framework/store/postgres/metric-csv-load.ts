/**
 * The columnar metrics load into the PostgreSQL store. The rules run set-based where they
 * already do for the DuckDB store: the staging DuckDB (staging.ts) runs the DuckDB store's
 * load (DuckDBMetricsCsvLoad: the same SQL, the same hand-back of uncertain rows to the row
 * path's checks). As each exported file is checked, its accepted rows leave the staging for
 * PostgreSQL (DuckDB writes them as CSV, one `COPY metrics FROM STDIN` sends
 * them) while the next file is checked, so PostgreSQL's COPY in overlaps the export. Rejects
 * go to PostgreSQL as they are found. The staging keeps only a note per metric of the rows it
 * sent (whether it had a row with both parts, a value-only row, and its first row), which is
 * what the end-of-day ratio move needs; the move then deletes from PostgreSQL, as the row
 * path's does. Everything goes through the day's client, in its transaction and under its
 * advisory lock (both held by the day load), so a failure leaves the previous day.
 */
import type pg from 'pg';
import { DuckDBMetricsCsvLoad } from '../duckdb/metric-csv-load.js';
import { literal } from '../duckdb/metric-csv-sql.js';
import { DUCKDB_ROWS, TABLES, type RejectRecord } from '../schema.js';
import type { DayLoadTarget, HeldValueOnlyRow, MetricsCsvLoad, MetricsCsvResult, MetricsCsvSpec } from '../types.js';
import { StagedCopyIn, type Staging, type StagedTable } from './staged-copy-in.js';
import { StagingSchema } from './staging.js';

/** The day load's side of the staging: its PostgreSQL client (in the day's transaction) and its rejects. */
export interface PostgresDaySide {
  client: pg.PoolClient;
  appendRejects(rejects: RejectRecord[]): Promise<void>;
  /** Keeps value-only rows as received, in case their metric turns out to be a ratio. */
  holdValueOnlyRows(rows: HeldValueOnlyRow[]): Promise<void>;
  /** Moves the day's value-only rows of these metrics from `metrics` to the rejects (as held); returns how many. */
  rejectNullDenominators(metrics: string[], reason: (metric: string) => string): Promise<number>;
}

const METRIC_COLUMNS = ['unit_id', 'id_type', 'metric_name', 'metric_value', 'numerator', 'denominator'];
/**
 * The staging's rows, in the DuckDB store's shape (the DuckDB metrics load writes them): the
 * ingestion as a number, which nothing reads, since the rows are sent with the ingestion's name.
 */
const METRICS_TABLE = `CREATE TABLE ${DUCKDB_ROWS.metrics} (ingestion_id INTEGER, "date" DATE, unit_id VARCHAR,
  id_type VARCHAR, metric_name VARCHAR, metric_value DOUBLE, numerator DOUBLE, denominator DOUBLE)`;
/** Per metric and sent batch: a row with both parts, a value-only row, and the position of its first row. */
const SENT = 'wharf_sent_metrics';
const SENT_TABLE = `CREATE TABLE ${SENT} (metric_name VARCHAR, ratio BOOLEAN, value_only BOOLEAN, first BIGINT)`;

export class PostgresMetricsCsvLoad implements MetricsCsvLoad {
  private readonly staged: StagedCopyIn<DuckDBMetricsCsvLoad>;
  /** Rows sent so far (the position of the next batch's first row). */
  private sent = 0;
  /** The staged rows, sent as CSV, ingestion and date first. */
  private readonly table: StagedTable;

  constructor(
    private readonly target: Required<DayLoadTarget>,
    private readonly spec: MetricsCsvSpec,
    private readonly day: PostgresDaySide,
  ) {
    // Numbers as DuckDB's text, which reads back in PostgreSQL as exactly the same double.
    const texts = METRIC_COLUMNS.map((c, i) => (i < 3 ? c : `CAST(${c} AS VARCHAR)`));
    this.table = {
      name: DUCKDB_ROWS.metrics,
      create: METRICS_TABLE,
      select: `SELECT ${[literal(target.ingestion), literal(target.date), ...texts].join(', ')} FROM ${DUCKDB_ROWS.metrics}`,
      into: `${TABLES.metrics} (ingestion, "date", ${METRIC_COLUMNS.join(', ')})`,
    };
    this.staged = new StagedCopyIn(day.client, () => this.open());
  }

  async append(file: string, rows: number): Promise<void> {
    await (await this.staged.opened()).load.append(file, rows);
    await this.send();
  }

  async appendOversize(line: string): Promise<void> {
    // Rows the row path's checks accept are staged at the end of the day (finish).
    await (await this.staged.opened()).load.appendOversize(line);
  }

  /** Ends the day in the staging (its last rows are sent as the ratio move begins, or here), then drops it. */
  async finish(): Promise<MetricsCsvResult> {
    const result = await (await this.staged.opened()).load.finish();
    await this.send();
    await this.staged.settled();
    await this.dispose();
    return result;
  }

  /** Drops the staging (also when the day failed), once its last COPY has settled; safe to call more than once. */
  dispose(): Promise<void> {
    return this.staged.dispose();
  }

  private async open(): Promise<Staging<DuckDBMetricsCsvLoad>> {
    const schema = await StagingSchema.open(this.target.loadId, [METRICS_TABLE, SENT_TABLE]);
    const load = new DuckDBMetricsCsvLoad(schema.connection, { ...this.target, ingestionId: 0 }, this.spec, {
      ready: Promise.resolve(),
      appendRejects: (rejects) => this.day.appendRejects(rejects),
      moveRatioRows: async (metrics, reason) => {
        await this.staged.settled();
        return this.day.rejectNullDenominators(metrics, reason);
      },
      holdRows: (rows) => this.day.holdValueOnlyRows(rows),
      ratioMetrics: () => this.ratioMetrics(),
    });
    return { schema, load };
  }

  /**
   * Sends the staged rows to PostgreSQL and empties the staging table: the COPY runs in the
   * background while the next file is checked and its batch written; the next batch's COPY
   * starts after it (one at a time on the day's client), and so reports its failure.
   */
  private async send(): Promise<void> {
    const c = (await this.staged.opened()).schema.connection;
    await this.staged.send(this.table, async (rows) => {
      if (this.spec.ratioPossible)
        await c.run(`INSERT INTO ${SENT} SELECT metric_name, bool_or(numerator IS NOT NULL AND denominator IS NOT NULL),
          bool_or(denominator IS NULL), ${this.sent} + min(rowid) FROM ${DUCKDB_ROWS.metrics} GROUP BY metric_name`);
      this.sent += rows;
    });
  }

  /** The ratio metrics with value-only rows (see MetricsCsvDayLoad.ratioMetrics), once every staged row is sent. */
  private async ratioMetrics(): Promise<string[]> {
    await this.send();
    const { schema } = await this.staged.opened();
    const result = await schema.connection.runAndReadAll(
      `SELECT metric_name FROM ${SENT} GROUP BY metric_name HAVING bool_or(ratio) AND bool_or(value_only)
       ORDER BY min(first)`,
    );
    return result.getRows().map(([m]) => m as string);
  }
}
