/**
 * The DuckDB source's bulk export for the columnar metrics path: one COPY of the days'
 * wrapped query, written by DuckDB in COPY's text format into a pipe and routed to the days
 * by the day column's text (exported first), as the PostgreSQL export does.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { DayRouter } from '../postgres/columnar.js';
import {
  duckdbTextColumns,
  exportSelect,
  exportStart,
  exportThroughPipe,
  FingerprintTokens,
} from '../shared/duckdb-columnar.js';
import { daysSelect } from '../shared/wrapped-queries.js';
import type {
  ColumnarExport,
  ColumnInfo,
  CopyDaysOptions,
  DayFilter,
  DayRowSink,
  DayStats,
  DayStatsOptions,
  QuerySpec,
} from '../types.js';
import { duckdbDialect } from './dialect.js';

/** What the export borrows from its connector. */
export interface DuckDBExportHost {
  /** Runs `fn` on a fresh connection under the query's timeout, classing its errors. */
  run<T>(query: QuerySpec, fn: (connection: DuckDBConnection) => Promise<T>): Promise<T>;
  dayStats(query: QuerySpec, filters: DayFilter[], options?: DayStatsOptions): Promise<DayStats[]>;
  describe(query: QuerySpec): Promise<ColumnInfo[]>;
}

export function duckdbColumnarExport(host: DuckDBExportHost): ColumnarExport {
  const tokens = new FingerprintTokens();
  return {
    ...duckdbTextColumns,
    async copyDays(query: QuerySpec, filters: DayFilter[], options: CopyDaysOptions, sink: DayRowSink): Promise<void> {
      const { columns, dayTokens } = await exportStart(host, tokens, { query, filters, options });
      const select = daysSelect(duckdbDialect, query.sql, filters, exportSelect(columns, options.fingerprint));
      // One day needs no routing (and a TIMESTAMP day column's text is not the zone's day).
      const route = filters.length === 1 ? 0 : new DayRouter(filters.map((f) => f.day));
      const job = { select, route, tokens: dayTokens, mapping: query.mapping };
      await host.run(query, (connection) => exportThroughPipe({ ...job, connection }, sink));
    },
    dayStats: (day, rowCount, sum) => tokens.dayStats(day, rowCount, sum),
  };
}
