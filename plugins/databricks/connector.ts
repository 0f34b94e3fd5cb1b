/**
 * The Databricks connector: the user's Databricks SQL wrapped with Wharf's day filter, counts
 * and presence checks (backtick identifiers; instants as `timestamp_millis(...)`, so the
 * filter does not depend on the warehouse's session time zone).
 */
import {
  abortedError,
  WharfError,
  sqlDayQueries,
  type ColumnInfo,
  type Connector,
  type ConnectorContext,
  type DayFilter,
  type DayStats,
  type QuerySpec,
  type Row,
  type SqlDialect,
  type StreamOptions,
} from '@wharf/framework';
import { tokenProvider } from './auth.js';
import type { DatabricksSource } from './config.js';
import { StatementClient } from './statement-client.js';

export const DATABRICKS_DIALECT: SqlDialect = {
  quoteIdentifier: (name) => `\`${name.replace(/`/g, '``')}\``,
  timestamp: (instant) => `timestamp_millis(${instant.getTime()})`,
  limit: (sql, n) => `${sql} LIMIT ${n}`,
};

export async function openDatabricks(config: DatabricksSource, context: ConnectorContext): Promise<Connector> {
  return new DatabricksConnector(config.name, new StatementClient(config, tokenProvider(config, context, fetch), fetch));
}

class DatabricksConnector implements Connector {
  readonly kind = 'databricks';
  readonly capabilities = { fingerprint: false, dryRunEstimate: false, signals: 'table' } as const;

  constructor(
    readonly sourceName: string,
    private readonly client: StatementClient,
  ) {}

  async describe(query: QuerySpec): Promise<ColumnInfo[]> {
    return (await this.client.all(sqlDayQueries(DATABRICKS_DIALECT, query).describe(), query)).columns;
  }

  async *streamDay(query: QuerySpec, filter: DayFilter, options: StreamOptions): AsyncIterable<Row[]> {
    let batch: Row[] = [];
    try {
      for await (const page of this.client.pages(sqlDayQueries(DATABRICKS_DIALECT, query).day(filter), query, options.signal)) {
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
      if (options.signal?.aborted) throw abortedError({ kind: this.kind, sourceName: this.sourceName, query });
      throw err;
    }
    if (batch.length > 0) yield batch;
  }


  async sample(query: QuerySpec, limit: number): Promise<Row[]> {
    return (await this.client.all(sqlDayQueries(DATABRICKS_DIALECT, query).sample(limit), query)).rows;
  }

  async dayStats(query: QuerySpec, filters: DayFilter[]): Promise<DayStats[]> {
    const out: DayStats[] = [];
    for (const filter of filters) {
      const { rows } = await this.client.all(sqlDayQueries(DATABRICKS_DIALECT, query).count(filter), query);
      out.push({ day: filter.day, rowCount: Number(rows[0]?.row_count ?? 0), fingerprint: null });
    }
    return out;
  }

  async hasData(query: QuerySpec, filter: DayFilter): Promise<boolean> {
    const { rows } = await this.client.all(sqlDayQueries(DATABRICKS_DIALECT, query).exists(filter), query);
    return Number(rows[0]?.has_data ?? 0) === 1;
  }

  async latestFinishedDate(signal: { table?: string }): Promise<string | null> {
    const table = signal.table ?? '';
    if (!/^[A-Za-z_][\w$]*(\.[A-Za-z_][\w$]*){0,2}$/.test(table)) {
      throw new WharfError(`Source '${this.sourceName}': the signal table ${JSON.stringify(signal.table)} is not a table name.`, {
        code: 'signal.table-name',
        errorClass: 'config',
        hint: "Name the table holding finished_date, e.g. table: 'main.analytics.ingestion_signals'.",
      });
    }
    const { rows } = await this.client.all(`SELECT CAST(MAX(CAST(finished_date AS DATE)) AS STRING) AS latest FROM ${table}`);
    const latest = rows[0]?.latest;
    return typeof latest === 'string' ? latest : null;
  }

  async close(): Promise<void> {}
}
