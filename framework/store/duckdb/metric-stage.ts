/**
 * The bulk path for metric rows into the DuckDB store. Rows are written column-wise, 2,048 at
 * a time (DuckDB's vector size), into a per-load temporary table holding only the columns
 * that vary per row; one INSERT … SELECT then adds the constant columns (ingestion,
 * date) and moves them into `metrics` inside the load's transaction. This keeps the
 * per-value calls into DuckDB to the three strings of a row (numbers are written straight
 * into the vectors' buffers) instead of nine values and an end-of-row call.
 */
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { DOUBLE, DuckDBDataChunk, VARCHAR } from '../../util/duckdb-api.js';
import { DUCKDB_ROWS, type MetricRecord } from '../schema.js';
import type { DuckDBDayTarget } from './ingestion-ids.js';

const CHUNK_ROWS = 2048;
/** Staged rows are moved on at this size, so the temporary table stays small. */
const MOVE_ROWS = 100 * CHUNK_ROWS;
const STAGE_TYPES = [VARCHAR, VARCHAR, VARCHAR, DOUBLE, DOUBLE, DOUBLE];

export class MetricStage {
  private appender: DuckDBAppender | null = null;
  private staged = 0;
  private readonly table: string;

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly target: DuckDBDayTarget,
  ) {
    this.table = `wharf_stage_${target.loadId.replace(/[^a-z0-9]/gi, '')}`;
  }

  async append(rows: MetricRecord[]): Promise<void> {
    if (!this.appender) {
      await this.connection.run(
        `CREATE TEMP TABLE ${this.table} (unit_id VARCHAR, id_type VARCHAR, metric_name VARCHAR, metric_value DOUBLE, numerator DOUBLE, denominator DOUBLE)`,
      );
      this.appender = await this.connection.createAppender(this.table, 'main', 'temp');
    }
    for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
      const slice = rows.slice(start, start + CHUNK_ROWS);
      const chunk = DuckDBDataChunk.create(STAGE_TYPES);
      chunk.setColumns([
        slice.map((r) => r.unit_id),
        slice.map((r) => r.id_type),
        slice.map((r) => r.metric_name),
        slice.map((r) => r.metric_value),
        slice.map((r) => r.numerator),
        slice.map((r) => r.denominator),
      ]);
      this.appender.appendDataChunk(chunk);
    }
    this.staged += rows.length;
    if (this.staged >= MOVE_ROWS) await this.moveToTable();
  }

  /** Moves the staged rows into `metrics` (still inside the load's transaction). */
  async moveToTable(): Promise<void> {
    if (!this.appender || this.staged === 0) return;
    this.appender.flushSync();
    this.staged = 0;
    const t = this.target;
    await this.connection.run(
      `INSERT INTO ${DUCKDB_ROWS.metrics} SELECT $1, CAST($2 AS DATE), unit_id, id_type, metric_name, metric_value, numerator, denominator FROM ${this.table}`,
      [t.ingestionId, t.date],
    );
    await this.connection.run(`DELETE FROM ${this.table}`);
  }

  /** Releases the appender; the temporary table goes with the connection. */
  close(): void {
    const appender = this.appender;
    this.appender = null;
    try {
      appender?.closeSync();
    } catch {
      // The transaction already ended; the appender has nothing left to write.
    }
  }
}
