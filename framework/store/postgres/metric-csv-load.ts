/**
 * The columnar metrics load into the PostgreSQL store. The rules run set-based where they
 * already do for the DuckDB store: an in-process DuckDB stages the day (DuckDBMetricsCsvLoad,
 * the same SQL, the same hand-back of uncertain rows to the row path's checks, the same
 * end-of-day ratio move), each day in a schema of its own. Rejects go to PostgreSQL as they
 * are found; at the end of the day DuckDB writes the accepted rows in COPY's text format and
 * they go to PostgreSQL with one `COPY metrics FROM STDIN`, in the day's transaction and under
 * its advisory lock (both held by the day load), so a failure leaves the previous day.
 */
import { createReadStream, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { openDuckDB, type DuckDBHandle } from '../../util/duckdb.js';
import { DuckDBMetricsCsvLoad } from '../duckdb/metric-csv-load.js';
import { literal } from '../duckdb/metric-csv-sql.js';
import { TABLES, type RejectRecord } from '../schema.js';
import type { DayLoadTarget, HeldValueOnlyRow, MetricsCsvLoad, MetricsCsvResult, MetricsCsvSpec } from '../types.js';
import { checkHeld } from '../held-rows.js';

/** The staging DuckDB's memory cap; it spills to its temporary folder beyond it. */
const STAGING_MEMORY = process.env.WHARF_PG_STAGING_MEMORY_LIMIT ?? '192MB';

/**
 * One in-memory DuckDB for the process's staging loads, opened by the first and closed after
 * the last. Each statement runs on one thread: the store's load lanes give the parallelism.
 */
class StagingDatabase {
  private static opened: Promise<DuckDBHandle> | null = null;
  private static users = 0;

  static async acquire(): Promise<DuckDBHandle> {
    StagingDatabase.users += 1;
    StagingDatabase.opened ??= StagingDatabase.open();
    try {
      return await StagingDatabase.opened;
    } catch (err) {
      StagingDatabase.release();
      throw err;
    }
  }

  static release(): void {
    StagingDatabase.users -= 1;
    if (StagingDatabase.users > 0 || !StagingDatabase.opened) return;
    const opened = StagingDatabase.opened;
    StagingDatabase.opened = null;
    void opened.then(
      (h) => h.close(),
      () => undefined,
    );
  }

  /** Spills go to the system's temporary folder (an in-memory DuckDB would use `.tmp` in the working folder). */
  private static async open(): Promise<DuckDBHandle> {
    const spill = await mkdtemp(join(tmpdir(), 'wharf-pg-staging-'));
    const handle = await openDuckDB(':memory:', { memory_limit: STAGING_MEMORY, threads: '1', temp_directory: spill });
    return {
      ...handle,
      close() {
        handle.close();
        rmSync(spill, { recursive: true, force: true });
      },
    };
  }
}

/** The day load's side of the staging: its PostgreSQL client (in the day's transaction) and its rejects. */
export interface PostgresDaySide {
  client: pg.PoolClient;
  appendRejects(rejects: RejectRecord[]): Promise<void>;
  /** Keeps value-only rows as received, in case their metric turns out to be a ratio. */
  holdValueOnlyRows(rows: HeldValueOnlyRow[]): Promise<void>;
  /** Writes one metric's held rows as its rejects; returns how many. */
  rejectHeld(metric: string, reason: string): Promise<number>;
}

const METRIC_COLUMNS = ['unit_id', 'id_type', 'metric_name', 'metric_value', 'numerator', 'denominator'];

/** Strings with COPY's escapes (the backslash first); numbers as DuckDB's text, which reads back exactly. */
const copyText = (column: string) =>
  [
    ["'\\'", '\\\\'],
    ['chr(9)', '\\t'],
    ['chr(10)', '\\n'],
    ['chr(13)', '\\r'],
  ].reduce((text, [from, to]) => `replace(${text}, ${from}, '${to}')`, `CAST(${column} AS VARCHAR)`);

export class PostgresMetricsCsvLoad implements MetricsCsvLoad {
  private readonly schema: string;
  private staging: { handle: DuckDBHandle; connection: DuckDBConnection; load: DuckDBMetricsCsvLoad } | null = null;
  private readonly ready: Promise<void>;

  constructor(
    private readonly target: Required<DayLoadTarget>,
    private readonly spec: MetricsCsvSpec,
    private readonly day: PostgresDaySide,
  ) {
    this.schema = `wharf_stage_${target.loadId.replace(/[^a-z0-9]/gi, '')}`;
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

  /** Ends the day in the staging, then copies its accepted rows into PostgreSQL. */
  async finish(): Promise<MetricsCsvResult> {
    await this.ready;
    const result = await this.staging!.load.finish();
    await this.copyToPostgres();
    await this.dispose();
    return result;
  }

  /** Drops the staging (also when the day failed); safe to call more than once. */
  async dispose(): Promise<void> {
    const staging = this.staging;
    this.staging = null;
    if (!staging) return;
    try {
      await staging.connection.run(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
    } finally {
      staging.connection.closeSync();
      StagingDatabase.release();
    }
  }

  private async open(): Promise<void> {
    const handle = await StagingDatabase.acquire();
    const connection = await handle.instance.connect();
    // Unqualified names (the `metrics` of the DuckDB load's SQL) resolve to this day's schema.
    await connection.run(`CREATE SCHEMA ${this.schema}`);
    await connection.run(`SET search_path = ${literal(this.schema)}`);
    await connection.run(
      `CREATE TABLE ${TABLES.metrics} (ingestion VARCHAR, "date" DATE, unit_id VARCHAR, id_type VARCHAR,
       metric_name VARCHAR, metric_value DOUBLE, numerator DOUBLE, denominator DOUBLE)`,
    );
    const load = new DuckDBMetricsCsvLoad(connection, this.target, this.spec, {
      ready: Promise.resolve(),
      appendRejects: (rejects) => this.day.appendRejects(rejects),
      moveRatioRows: (metrics, reason) => this.moveRatioRows(connection, metrics, reason),
      holdRows: (rows) => this.day.holdValueOnlyRows(rows),
    });
    this.staging = { handle, connection, load };
  }

  /**
   * Value-only rows of ratio metrics leave the staging; their rejects are the rows as received,
   * which the day holds in PostgreSQL (as the DuckDB store moves them).
   */
  private async moveRatioRows(connection: DuckDBConnection, metrics: string[], reason: (m: string) => string) {
    let moved = 0;
    for (const name of metrics) {
      const where = `metric_name = $1 AND denominator IS NULL`;
      const deleted = await connection.run(`DELETE FROM ${TABLES.metrics} WHERE ${where}`, [name] as DuckDBValue[]);
      const held = await this.day.rejectHeld(name, reason(name));
      checkHeld(name, Number(deleted.rowsChanged), held);
      moved += held;
    }
    return moved;
  }

  /** The staged rows, written by DuckDB in COPY's text format, sent with one COPY in the day's transaction. */
  private async copyToPostgres(): Promise<void> {
    const { connection } = this.staging!;
    const dir = await mkdtemp(join(tmpdir(), 'wharf-pg-day-'));
    try {
      const file = join(dir, 'metrics.txt');
      const t = this.target;
      const texts = METRIC_COLUMNS.map((c, i) => (i < 3 ? copyText(c) : `CAST(${c} AS VARCHAR)`));
      const list = [literal(t.ingestion), literal(t.date), ...texts].join(', ');
      const format = `FORMAT csv, DELIMITER '\t', QUOTE '', ESCAPE '', HEADER false, NULLSTR '\\N'`;
      // Row order means nothing in the store: no sort.
      await connection.run(`COPY (SELECT ${list} FROM ${TABLES.metrics}) TO ${literal(file)} (${format})`);
      const columns = `ingestion, "date", ${METRIC_COLUMNS.join(', ')}`;
      const copy = this.day.client.query(copyFrom(`COPY ${TABLES.metrics} (${columns}) FROM STDIN`));
      await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), copy);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
