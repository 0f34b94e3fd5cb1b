/**
 * A day load into the DuckDB store: one connection, one transaction, rows streamed in through
 * appenders (DuckDB's bulk path; appended rows belong to the open transaction, so a rollback
 * or a crash discards them and the previous version of the day stays).
 */
import { DuckDBTimestampValue, type DuckDBAppender, type DuckDBConnection, type DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBHandle } from '../../util/duckdb.js';
import { TABLES, type EventRecord, type MetricRecord, type RejectRecord } from '../schema.js';
import { readLedgerRow } from '../ledger-sql.js';
import { clearDaySql, commitLedger } from '../sql-store.js';
import type { ColumnarDayLoad, DayLoad, DayLoadTarget, EventsCsvSpec, LedgerEntry, MetricsCsvLoad, MetricsCsvSpec, SqlExecutor, StoredMetricValues } from '../types.js';
import { DuckDBEventsCsvLoad } from './event-csv-load.js';
import { DuckDBMetricsCsvLoad } from './metric-csv-load.js';
import { MetricStage } from './metric-stage.js';
import { readerRows } from '../../util/duckdb-values.js';

function str(appender: DuckDBAppender, value: string | null): void {
  if (value === null) appender.appendNull();
  else appender.appendVarchar(value);
}

class ConnectionSql implements SqlExecutor {
  constructor(private readonly connection: DuckDBConnection) {}
  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return readerRows<T>(await this.connection.runAndReadAll(sql, params as never));
  }
  async exec(sql: string): Promise<void> {
    await this.connection.run(sql);
  }
}

/**
 * While columnar loads run, the store's DuckDB runs each statement on one thread: every file
 * insert fills at most one row group, which one thread does anyway, the loads' two lanes give
 * the parallelism, and idle worker threads would only compete with them for the cores. The
 * setting is the database's, so it is counted across loads and restored after the last.
 */
class LoadThreads {
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
    if (this.users++ === 0) this.enqueue(async (c) => {
      this.saved = String((await c.runAndReadAll(`SELECT current_setting('threads')`)).getRows()[0][0]);
      await c.run('SET threads = 1');
    });
    return this.chain;
  }

  release(): void {
    if (--this.users === 0) this.enqueue(async (c) => {
      if (this.saved !== null) await c.run(`SET threads = ${Number(this.saved)}`);
      if (this.users === 0) {
        c.closeSync();
        this.connection = null;
      }
    });
  }

  private enqueue(step: (c: DuckDBConnection) => Promise<void>): void {
    // Only speed depends on it: a failed change leaves the loads correct.
    this.chain = this.chain.then(async () => step((this.connection ??= await this.instance.connect()))).catch(() => undefined);
  }
}

export class DuckDBDayLoad implements DayLoad {
  private rows: DuckDBAppender | null = null;
  private rejects: DuckDBAppender | null = null;
  private readonly sql: SqlExecutor;
  private readonly metrics: MetricStage;
  private done = false;
  previous: LedgerEntry | null = null;
  private threads: LoadThreads | null = null;

  private constructor(
    private readonly connection: DuckDBConnection,
    private readonly target: Required<DayLoadTarget>,
    private readonly instance: DuckDBInstance,
  ) {
    this.sql = new ConnectionSql(connection);
    this.metrics = new MetricStage(connection, target);
  }

  get loadId(): string {
    return this.target.loadId;
  }

  static async begin(handle: DuckDBHandle, target: Required<DayLoadTarget>): Promise<DuckDBDayLoad> {
    const connection = await handle.instance.connect();
    const load = new DuckDBDayLoad(connection, target, handle.instance);
    try {
      await connection.run('BEGIN TRANSACTION');
      for (const s of clearDaySql(target)) await load.sql.query(s.sql, s.params);
      load.previous = await readLedgerRow(load.sql, target.ingestion, target.date);
    } catch (err) {
      await load.rollback();
      throw err;
    }
    return load;
  }

  async appendRows(rows: EventRecord[] | MetricRecord[]): Promise<void> {
    if (rows.length === 0) return;
    if (this.target.dataset === 'metrics') return this.metrics.append(rows as MetricRecord[]);
    this.rows ??= await this.connection.createAppender(TABLES.events);
    const a = this.rows;
    for (const r of rows as EventRecord[]) {
      a.appendVarchar(r.ingestion);
      a.appendVarchar(r.day);
      a.appendTimestamp(new DuckDBTimestampValue(BigInt(r.timestamp.getTime()) * 1000n));
      a.appendVarchar(r.event_name);
      str(a, r.event_value);
      str(a, r.event_metadata);
      a.appendVarchar(r.user);
      str(a, r.user_id);
      str(a, r.custom_ids);
      a.appendVarchar(r.timeuuid);
      a.endRow();
    }
  }

  async appendRejects(rejects: RejectRecord[]): Promise<void> {
    if (rejects.length === 0) return;
    this.rejects ??= await this.connection.createAppender(TABLES.rejects);
    const a = this.rejects;
    for (const r of rejects) {
      for (const v of [r.ingestion, r.date, r.row, r.column, r.rule, r.reason, this.target.loadId]) a.appendVarchar(v);
      a.endRow();
    }
  }

  async rejectNullDenominators(metricNames: string[], reason: (metric: string) => string, rowJson: (row: StoredMetricValues) => string): Promise<number> {
    if (metricNames.length === 0) return 0;
    this.flush();
    await this.metrics.moveToTable();
    let moved = 0;
    for (const name of metricNames) {
      // The load cleared the day's earlier rows when it began: every row of the day here is this load's.
      const where = `ingestion = $1 AND "date" = CAST($2 AS DATE) AND metric_name = $3 AND denominator IS NULL`;
      const params = [this.target.ingestion, this.target.date, name];
      // The engine writes the stored reject (the query's column names, rowJson), the same on every store.
      const rows = await this.sql.query<StoredMetricValues>(`SELECT unit_id, id_type, metric_name, metric_value, numerator, denominator FROM ${TABLES.metrics} WHERE ${where} ORDER BY rowid`, params);
      await this.appendRejects(rows.map((r) => ({ ingestion: this.target.ingestion, date: this.target.date, row: rowJson(r), column: 'denominator', rule: 'denominator.null_in_ratio', reason: reason(name) })));
      await this.sql.query(`DELETE FROM ${TABLES.metrics} WHERE ${where}`, params);
      moved += rows.length;
    }
    return moved;
  }

  metricsCsv(spec: MetricsCsvSpec): MetricsCsvLoad {
    this.threads ??= LoadThreads.of(this.instance);
    const started = this.threads.acquire();
    return new DuckDBMetricsCsvLoad(started, this.connection, this.target, spec, (rejects) => this.appendRejects(rejects), (metrics, reason) =>
      this.rejectNullDenominators(metrics, reason, spec.ratioRejectJson),
    );
  }

  eventsCsv(spec: EventsCsvSpec): ColumnarDayLoad {
    this.threads ??= LoadThreads.of(this.instance);
    const started = this.threads.acquire();
    return new DuckDBEventsCsvLoad(started, this.connection, this.target, spec, (rejects) => this.appendRejects(rejects));
  }

  async commit(entry: LedgerEntry): Promise<void> {
    try {
      await this.metrics.moveToTable();
      this.closeAppenders();
      await commitLedger(this.sql, entry);
      await this.connection.run('COMMIT');
      this.finish();
    } catch (err) {
      await this.rollback();
      throw err;
    }
  }

  async rollback(): Promise<void> {
    if (this.done) return;
    try {
      this.rows?.clear();
      this.rejects?.clear();
      this.closeAppenders();
    } catch {
      // An appender of a failed transaction may refuse to close; the rollback discards it anyway.
    }
    try {
      await this.connection.run('ROLLBACK');
    } catch {
      // The transaction is already gone (e.g. aborted by an error): nothing to undo.
    }
    this.finish();
  }

  private flush(): void {
    this.rows?.flushSync();
    this.rejects?.flushSync();
  }

  private closeAppenders(): void {
    this.metrics.close();
    const [rows, rejects] = [this.rows, this.rejects];
    this.rows = this.rejects = null;
    rows?.closeSync();
    rejects?.closeSync();
  }

  private finish(): void {
    this.done = true;
    this.threads?.release();
    this.threads = null;
    this.rows = this.rejects = null;
    this.connection.closeSync();
  }
}
