/**
 * The Connector for warehouses reached by "submit a statement, poll, page through the result"
 * (Athena, Databricks, Synapse, HTTP SQL APIs). The user's SQL is wrapped with sqlDayQueries;
 * rows are re-batched to the engine's batch size. A plugin supplies only a StatementRunner (its
 * wire protocol), a dialect and the few spellings below, so every such connector reads a day,
 * counts, samples and answers signals the same way.
 */
import { WharfError } from '../../diagnostics/errors.js';
import type { SqlDialect } from './sql-dialect.js';
import { sqlDayQueries } from './wrapped-queries.js';
import type {
  ColumnarExport,
  ColumnInfo,
  Connector,
  DayFilter,
  DayStats,
  QuerySpec,
  Row,
  RowValue,
  StreamOptions,
} from '../types.js';
import { abortedError } from './errors.js';
import { Deadline, queryTimeoutError, timeoutOf } from './query-timeout.js';
import { statementColumnarExport } from './statement-columnar.js';

/** One page of a statement's result, values already in the connector contract's types. */
export interface ResultPage {
  columns: ColumnInfo[];
  rows: Row[];
}

/** One page of a statement's result as the wire sends it: each row its columns' raw values, in column order. */
export interface RawResultPage {
  columns: ColumnInfo[];
  rows: ArrayLike<unknown>[];
}

/** A warehouse's wire protocol: runs one statement and yields its result pages in order. */
export interface StatementRunner {
  /**
   * The pages of one statement; `query` names the mapping in SQL errors. Stops early when
   * `signal` aborts (the caller's stop, or the query's timeout), cancelling the statement in
   * the warehouse if it is still running.
   */
  pages(sql: string, query?: QuerySpec, signal?: AbortSignal): AsyncIterable<ResultPage>;
  /** Every row of a small result in one call, where the protocol has a cheaper way than paging. */
  all?(sql: string, query?: QuerySpec): Promise<ResultPage>;
  /**
   * The same pages with each value as the wire sends it (stops as `pages` does). With `value`,
   * it gives the connector a bulk export for the columnar path: rows become lines of text
   * without a Row object or the row path's per-row checks. Write `pages` as
   * `rowPages(this.rawPages(…), value)` so the two cannot differ.
   */
  rawPages?(sql: string, query?: QuerySpec, signal?: AbortSignal): AsyncIterable<RawResultPage>;
  /** One raw value as `pages` turns it into the connector contract's value (null: SQL NULL). */
  value?(raw: unknown, column: ColumnInfo): RowValue;
}

/** Raw pages as pages of Rows, each value turned by `value`. */
export async function* rowPages(
  raw: AsyncIterable<RawResultPage>,
  value: (raw: unknown, column: ColumnInfo) => RowValue,
): AsyncGenerator<ResultPage> {
  for await (const page of raw) {
    const { columns } = page;
    const rows = page.rows.map((values) => {
      const row: Row = {};
      for (let i = 0; i < columns.length; i++) row[columns[i].name] = value(values[i], columns[i]);
      return row;
    });
    yield { columns, rows };
  }
}

/** What differs between statement connectors besides the runner. */
export interface StatementConnectorOptions {
  kind: string;
  sourceName: string;
  dialect: SqlDialect;
  runner: StatementRunner;
  /** The SQL type `finished_date` is cast to as text, e.g. `VARCHAR`, `STRING`, `VARCHAR(10)`. */
  textType: string;
  /** A table name shown in the error for a bad signal table, e.g. `analytics.ingestion_signals`. */
  signalTableExample?: string;
  /** Releases the runner's connections. */
  close?(): Promise<void> | void;
}

/** What a StatementConnector offers: table signals, no fingerprints. Use it in defineConnector. */
export const STATEMENT_CAPABILITIES = { fingerprint: false, signals: 'table' } as const;

const TABLE_NAME = /^[A-Za-z_][\w$]*(\.[A-Za-z_][\w$]*){0,2}$/;

/** Every row of a small result (counts, presence checks, samples), with its columns. */
export async function collectPages(pages: AsyncIterable<ResultPage>): Promise<ResultPage> {
  const out: ResultPage = { columns: [], rows: [] };
  for await (const page of pages) {
    out.columns = page.columns;
    out.rows.push(...page.rows);
  }
  return out;
}

/** The Connector contract over a StatementRunner; see the file comment. */
export class StatementConnector implements Connector {
  readonly kind: string;
  readonly sourceName: string;
  readonly capabilities = STATEMENT_CAPABILITIES;
  readonly columnar?: ColumnarExport;

  constructor(private readonly options: StatementConnectorOptions) {
    this.kind = options.kind;
    this.sourceName = options.sourceName;
    const { runner } = options;
    if (runner.rawPages && runner.value) {
      const raw = { pages: runner.rawPages.bind(runner), value: runner.value.bind(runner) };
      this.columnar = statementColumnarExport(this, { ...options, raw });
    }
  }

  async describe(query: QuerySpec): Promise<ColumnInfo[]> {
    return (await this.all(this.queries(query).describe(), query)).columns;
  }

  async *streamDay(query: QuerySpec, filter: DayFilter, options: StreamOptions): AsyncIterable<Row[]> {
    let batch: Row[] = [];
    const deadline = new Deadline(timeoutOf(query), options.signal);
    try {
      for await (const page of this.options.runner.pages(this.queries(query).day(filter), query, deadline.signal)) {
        for (const row of page.rows) {
          batch.push(row);
          if (batch.length >= options.batchSize) {
            yield batch;
            batch = [];
            options.signal?.throwIfAborted();
          }
        }
      }
    } catch (err) {
      // A stopped read is transient (the day was not fully read); any other failure is the warehouse's.
      if (deadline.timedOut) throw queryTimeoutError(this.sourceName, query, err);
      if (options.signal?.aborted) throw abortedError({ kind: this.kind, sourceName: this.sourceName, query });
      throw err;
    } finally {
      deadline.clear();
    }
    if (batch.length > 0) yield batch;
  }

  async sample(query: QuerySpec, limit: number): Promise<Row[]> {
    return (await this.all(this.queries(query).sample(limit), query)).rows;
  }

  async dayStats(query: QuerySpec, filters: DayFilter[]): Promise<DayStats[]> {
    const out: DayStats[] = [];
    for (const filter of filters) {
      const { rows } = await this.all(this.queries(query).count(filter), query);
      out.push({ day: filter.day, rowCount: Number(rows[0]?.row_count ?? 0), fingerprint: null });
    }
    return out;
  }

  async hasData(query: QuerySpec, filter: DayFilter): Promise<boolean> {
    const { rows } = await this.all(this.queries(query).exists(filter), query);
    return Number(rows[0]?.has_data ?? 0) === 1;
  }

  async latestFinishedDate(signal: { table?: string }): Promise<string | null> {
    const table = this.signalTable(signal.table);
    const { rows } = await this.all(
      `SELECT CAST(MAX(CAST(finished_date AS DATE)) AS ${this.options.textType}) AS latest FROM ${table}`,
    );
    const latest = rows[0]?.latest;
    return typeof latest === 'string' ? latest : null;
  }

  async close(): Promise<void> {
    await this.options.close?.();
  }

  private queries(query: QuerySpec) {
    return sqlDayQueries(this.options.dialect, query);
  }

  /** One statement's whole (small) result, under the query's timeout like a day's read. */
  private async all(sql: string, query?: QuerySpec): Promise<ResultPage> {
    const { runner } = this.options;
    if (runner.all) return runner.all(sql, query);
    const deadline = new Deadline(timeoutOf(query));
    try {
      return await collectPages(runner.pages(sql, query, deadline.signal));
    } catch (err) {
      if (deadline.timedOut) throw queryTimeoutError(this.sourceName, query, err);
      throw err;
    } finally {
      deadline.clear();
    }
  }

  /** The signal table name as written in config: dotted identifiers only, so it cannot inject SQL. */
  private signalTable(table: string | undefined): string {
    if (!table || !TABLE_NAME.test(table)) {
      const example = this.options.signalTableExample ?? 'analytics.ingestion_signals';
      throw new WharfError(
        `Source '${this.sourceName}': the signal table ${JSON.stringify(table)} is not a table name.`,
        {
          code: 'signal.table-name',
          errorClass: 'config',
          hint: `Name the table holding finished_date, e.g. table: '${example}'.`,
        },
      );
    }
    return table;
  }
}
