/**
 * The DuckDB source's bulk exports for the columnar metrics path: one COPY of the days'
 * wrapped query, written by DuckDB in COPY's text format into a pipe and routed to the days
 * by the day column's text (exported first), as the PostgreSQL export does; or, for a store
 * that reads parquet, one parquet file per day (one query per day, the days one after the
 * other on the source's one thread, each handed on as soon as it is written).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { DayRouter } from '../shared/text-export.js';
import {
  duckdbTextColumns,
  exportSelect,
  exportStart,
  exportThroughPipe,
  FingerprintTokens,
  parquetDayFile,
  parquetSelect,
  writeParquet,
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
  ParquetDaysOptions,
  ParquetDaySink,
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
    async parquetDays(query: QuerySpec, filters: DayFilter[], options: ParquetDaysOptions, sink: ParquetDaySink) {
      const { columns, dayTokens } = await exportStart(host, tokens, { query, filters, options });
      const list = parquetSelect(columns, options.columnTypes);
      for (const [day, filter] of filters.entries()) {
        const file = parquetDayFile(options.dir, day);
        const select = daysSelect(duckdbDialect, query.sql, [filter], list);
        const rows = await host.run(query, (connection) => writeParquet(connection, select, file));
        if (rows > 0) await sink({ day, file, rows, fingerprintTerm: dayTokens?.[day] ?? null });
      }
    },
    dayStats: (day, rowCount, sum) => tokens.dayStats(day, rowCount, sum),
  };
}
