/**
 * A day load into the DuckDB store: one connection, one transaction, rows streamed in through
 * appenders (DuckDB's bulk path; appended rows belong to the open transaction, so a rollback
 * or a crash discards them and the previous version of the day stays). A statement that runs
 * out of the store's memory cap fails the day with a `store.out-of-memory` error (out-of-memory.ts).
 */
import type { DuckDBAppender, DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { DuckDBTimestampValue } from '../../util/duckdb-api.js';
import type { DuckDBHandle } from '../../util/duckdb.js';
import { DUCKDB_ROWS, TABLES, type EventRecord, type MetricRecord, type RejectRecord } from '../schema.js';
import { beginDay, commitDay, type DayTransactionSteps } from '../day-transaction.js';
import type {
  ColumnarDayLoad,
  DayLoad,
  EventsCsvSpec,
  HeldValueOnlyRow,
  LedgerEntry,
  MetricsCsvLoad,
  MetricsCsvSpec,
  SqlExecutor,
} from '../types.js';
import { checkHeld, heldRejectsSql, heldTable } from '../held-rows.js';
import { DuckDBSql } from './connection-sql.js';
import { DuckDBEventsCsvLoad } from './event-csv-load.js';
import type { DuckDBDayTarget } from './ingestion-ids.js';
import { LoadThreads } from './load-threads.js';
import { DuckDBMetricsCsvLoad } from './metric-csv-load.js';
import { MetricStage } from './metric-stage.js';
import { memoryCheckedLoad, withStoreMemory } from './out-of-memory.js';

function str(appender: DuckDBAppender, value: string | null): void {
  if (value === null) appender.appendNull();
  else appender.appendVarchar(value);
}

export class DuckDBDayLoad implements DayLoad {
  private rows: DuckDBAppender | null = null;
  private rejects: DuckDBAppender | null = null;
  private held: DuckDBAppender | null = null;
  private readonly sql: SqlExecutor;
  private readonly metrics: MetricStage;
  private done = false;
  previous: LedgerEntry | null = null;
  private threads: LoadThreads | null = null;
  /** The events load's side connection (DuckDBEventsCsvLoad), closed with the day's. */
  private side: DuckDBConnection | null = null;

  private constructor(
    private readonly connection: DuckDBConnection,
    private readonly target: DuckDBDayTarget,
    private readonly instance: DuckDBInstance,
    private readonly ended: () => void,
  ) {
    this.sql = new DuckDBSql(connection);
    this.metrics = new MetricStage(connection, target);
  }

  get loadId(): string {
    return this.target.loadId;
  }

  /** `ended` is called once the load's connections are closed (it committed or rolled back). */
  static async begin(handle: DuckDBHandle, target: DuckDBDayTarget, ended: () => void): Promise<DuckDBDayLoad> {
    const connection = await handle.instance.connect();
    const load = new DuckDBDayLoad(connection, target, handle.instance, ended);
    load.previous = await load.memoryChecked(() => beginDay(load.sql, target, load.steps()));
    return load;
  }

  private memoryChecked<T>(statements: () => Promise<T>): Promise<T> {
    return withStoreMemory(this.instance, statements);
  }

  appendRows(rows: EventRecord[] | MetricRecord[]): Promise<void> {
    return this.memoryChecked(() => this.appendRowsOf(rows));
  }

  private async appendRowsOf(rows: EventRecord[] | MetricRecord[]): Promise<void> {
    if (rows.length === 0) return;
    if (this.target.dataset === 'metrics') return this.metrics.append(rows as MetricRecord[]);
    this.rows ??= await this.connection.createAppender(DUCKDB_ROWS.events);
    const a = this.rows;
    for (const r of rows as EventRecord[]) {
      a.appendInteger(this.target.ingestionId);
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

  appendRejects(rejects: RejectRecord[]): Promise<void> {
    return this.memoryChecked(() => this.appendRejectsOf(rejects));
  }

  private async appendRejectsOf(rejects: RejectRecord[]): Promise<void> {
    if (rejects.length === 0) return;
    this.rejects ??= await this.connection.createAppender(TABLES.rejects);
    const a = this.rejects;
    for (const r of rejects) {
      for (const v of [r.ingestion, r.date, r.row, r.column, r.rule, r.reason, this.target.loadId]) a.appendVarchar(v);
      a.endRow();
    }
  }

  holdValueOnlyRows(rows: HeldValueOnlyRow[]): Promise<void> {
    return this.memoryChecked(() => this.holdRows(rows));
  }

  private async holdRows(rows: HeldValueOnlyRow[]): Promise<void> {
    if (rows.length === 0) return;
    if (!this.held) {
      await this.connection.run(`CREATE TEMP TABLE ${heldTable(this.loadId)} (metric_name VARCHAR, "row" VARCHAR)`);
      this.held = await this.connection.createAppender(heldTable(this.loadId), 'main', 'temp');
    }
    for (const r of rows) {
      this.held.appendVarchar(r.metric);
      this.held.appendVarchar(r.row);
      this.held.endRow();
    }
  }

  rejectNullDenominators(metricNames: string[], reason: (metric: string) => string): Promise<number> {
    return this.memoryChecked(() => this.moveNullDenominators(metricNames, reason));
  }

  private async moveNullDenominators(metricNames: string[], reason: (metric: string) => string): Promise<number> {
    if (metricNames.length === 0) return 0;
    this.flush();
    await this.metrics.moveToTable();
    let moved = 0;
    for (const name of metricNames) {
      // The load cleared the day's earlier rows when it began: every row of the day here is this load's.
      const t = this.target;
      const deleted = await this.connection.run(
        `DELETE FROM ${DUCKDB_ROWS.metrics} WHERE ingestion_id = $1 AND "date" = CAST($2 AS DATE) AND metric_name = $3 AND denominator IS NULL`,
        [t.ingestionId, t.date, name],
      );
      // The rejects are the rows as received (held by the engine), not as loaded.
      const held = this.held
        ? (
            await this.connection.run(heldRejectsSql(heldTable(this.loadId), 'rowid'), [
              t.ingestion,
              t.date,
              reason(name),
              t.loadId,
              name,
            ])
          ).rowsChanged
        : 0;
      checkHeld(name, deleted.rowsChanged, held);
      moved += held;
    }
    return moved;
  }

  metricsCsv(spec: MetricsCsvSpec): MetricsCsvLoad {
    this.threads ??= LoadThreads.of(this.instance);
    const started = this.threads.acquire();
    const load = new DuckDBMetricsCsvLoad(this.connection, this.target, spec, {
      ready: started,
      appendRejects: (rejects) => this.appendRejects(rejects),
      moveRatioRows: (metrics, reason) => this.rejectNullDenominators(metrics, reason),
      holdRows: (rows) => this.holdValueOnlyRows(rows),
      allThreads: () => {
        this.threads?.release();
        this.threads = null;
      },
    });
    return memoryCheckedLoad(this.instance, load);
  }

  /**
   * Events loads, like metrics loads, run the store's statements on one thread (see
   * load-threads.ts): a file of one row group read and inserted on two threads cost half as
   * much CPU again as on one, and took longer. The parallelism is the side connection instead:
   * a file's distinct texts are read on it while its rows are inserted on the day's.
   */
  eventsCsv(spec: EventsCsvSpec): ColumnarDayLoad {
    this.threads ??= LoadThreads.of(this.instance);
    const load = new DuckDBEventsCsvLoad(this.connection, this.target, spec, {
      ready: this.threads.acquire(),
      appendRejects: (rejects) => this.appendRejects(rejects),
      sideConnection: async () => (this.side ??= await this.instance.connect()),
    });
    return memoryCheckedLoad(this.instance, load);
  }

  commit(entry: LedgerEntry): Promise<void> {
    return this.memoryChecked(() => commitDay(this.sql, entry, this.steps()));
  }

  async rollback(): Promise<void> {
    if (this.done) return;
    try {
      this.rows?.clear();
      this.rejects?.clear();
      this.held?.clear();
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

  private steps(): DayTransactionSteps {
    const { dataset, ingestionId } = this.target;
    return {
      rows: { table: DUCKDB_ROWS[dataset], column: 'ingestion_id', key: ingestionId },
      settle: async () => {
        await this.metrics.moveToTable();
        this.closeAppenders();
      },
      finish: () => this.finish(),
      rollback: () => this.rollback(),
    };
  }

  private flush(): void {
    this.rows?.flushSync();
    this.rejects?.flushSync();
    this.held?.flushSync();
  }

  private closeAppenders(): void {
    this.metrics.close();
    const [rows, rejects, held] = [this.rows, this.rejects, this.held];
    this.rows = this.rejects = this.held = null;
    rows?.closeSync();
    rejects?.closeSync();
    held?.closeSync();
  }

  private finish(): void {
    this.done = true;
    this.threads?.release();
    this.threads = null;
    this.rows = this.rejects = this.held = null;
    this.side?.closeSync();
    this.side = null;
    this.connection.closeSync();
    this.ended();
  }
}
