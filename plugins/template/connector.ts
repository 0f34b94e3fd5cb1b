/**
 * The template connector: Wharf's side of the contract. The user's SQL is wrapped with
 * sqlDayQueries (day filter, counts, presence, describe, sample), so this file only chooses a
 * dialect and turns pages into batches. A new warehouse usually needs a new dialect (quoting,
 * how an instant is written, row limits) and a new api-client.ts, and nothing else here.
 */
import {
  abortedError,
  ANSI_DIALECT,
  WharfError,
  registerSecret,
  sqlDayQueries,
  type ColumnInfo,
  type Connector,
  type ConnectorContext,
  type DayFilter,
  type DayStats,
  type QuerySpec,
  type Row,
  type StreamOptions,
} from '@wharf/framework';
import { ApiClient } from './api-client.js';
import type { TemplateHttpSource } from './config.js';

export class TemplateHttpConnector implements Connector {
  readonly kind = 'template_http';
  readonly capabilities = { fingerprint: false, dryRunEstimate: false, signals: 'table' } as const;

  private constructor(
    readonly sourceName: string,
    private readonly api: ApiClient,
  ) {}

  static async open(config: TemplateHttpSource, context: ConnectorContext): Promise<TemplateHttpConnector> {
    const token = context.resolveSecret(config.token, 'token');
    registerSecret(token);
    return new TemplateHttpConnector(config.name, new ApiClient(config, token));
  }

  async describe(query: QuerySpec): Promise<ColumnInfo[]> {
    return (await this.api.all(sqlDayQueries(ANSI_DIALECT, query).describe(), query)).columns;
  }

  async *streamDay(query: QuerySpec, filter: DayFilter, options: StreamOptions): AsyncIterable<Row[]> {
    let batch: Row[] = [];
    try {
      for await (const page of this.api.pages(sqlDayQueries(ANSI_DIALECT, query).day(filter), query)) {
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
    return (await this.api.all(sqlDayQueries(ANSI_DIALECT, query).sample(limit), query)).rows;
  }

  async dayStats(query: QuerySpec, filters: DayFilter[]): Promise<DayStats[]> {
    const stats: DayStats[] = [];
    for (const filter of filters) {
      const { rows } = await this.api.all(sqlDayQueries(ANSI_DIALECT, query).count(filter), query);
      stats.push({ day: filter.day, rowCount: Number(rows[0]?.row_count ?? 0), fingerprint: null });
    }
    return stats;
  }

  async hasData(query: QuerySpec, filter: DayFilter): Promise<boolean> {
    const { rows } = await this.api.all(sqlDayQueries(ANSI_DIALECT, query).exists(filter), query);
    return Number(rows[0]?.has_data ?? 0) === 1;
  }

  async latestFinishedDate(signal: { table?: string }): Promise<string | null> {
    if (!signal.table || !/^[A-Za-z_][\w$]*(\.[A-Za-z_][\w$]*){0,2}$/.test(signal.table)) {
      throw new WharfError(`Source '${this.sourceName}': the signal table ${JSON.stringify(signal.table)} is not a table name.`, { code: 'signal.table-name', errorClass: 'config' });
    }
    const { rows } = await this.api.all(`SELECT CAST(MAX(CAST(finished_date AS DATE)) AS VARCHAR) AS latest FROM ${signal.table}`);
    return typeof rows[0]?.latest === 'string' ? rows[0].latest : null;
  }

  async close(): Promise<void> {}
}
