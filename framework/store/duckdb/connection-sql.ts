/** SqlExecutor over one DuckDB connection: the store's own and each day load's. */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { readerRows } from '../../util/duckdb-values.js';
import type { SqlExecutor } from '../types.js';

export class DuckDBSql implements SqlExecutor {
  constructor(protected readonly connection: DuckDBConnection) {}

  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql, params as DuckDBValue[]);
    return readerRows<T>(reader);
  }

  async exec(sql: string): Promise<void> {
    await this.connection.run(sql);
  }
}
