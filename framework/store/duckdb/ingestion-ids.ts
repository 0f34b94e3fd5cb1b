/**
 * The numbers that name ingestions in the DuckDB store's rows (`event_rows`, `metric_rows`;
 * DUCKDB_ROWS in schema.ts says why). A name gets its number the first time a day of it
 * loads, in a statement of its own before the day's transaction begins: two days of a new
 * ingestion loading at once would otherwise both add it, and DuckDB would fail one of them
 * at commit. Numbers are never changed or removed, so once known they are kept here.
 */
import { internalError } from '../../diagnostics/errors.js';
import { DUCKDB_ROWS } from '../schema.js';
import type { DayLoadTarget, SqlExecutor } from '../types.js';

/** A day load's target in the DuckDB store: with the number its rows carry for the ingestion. */
export type DuckDBDayTarget = Required<DayLoadTarget> & { ingestionId: number };

const IDS = DUCKDB_ROWS.ingestionIds;

export class IngestionIds {
  private readonly known = new Map<string, number>();
  /** Additions run one at a time. */
  private adding: Promise<unknown> = Promise.resolve();

  constructor(private readonly sql: SqlExecutor) {}

  idOf(name: string): Promise<number> {
    const known = this.known.get(name);
    if (known !== undefined) return Promise.resolve(known);
    const next = this.adding.then(() => this.findOrAdd(name));
    this.adding = next.catch(() => undefined);
    return next;
  }

  private async findOrAdd(name: string): Promise<number> {
    let id = await this.find(name);
    if (id === null) {
      await this.sql.query(
        `INSERT INTO ${IDS} SELECT (SELECT coalesce(max(id), 0) + 1 FROM ${IDS}), $1
         WHERE NOT EXISTS (SELECT 1 FROM ${IDS} WHERE name = $1)`,
        [name],
      );
      id = await this.find(name);
    }
    if (id === null) throw internalError(`The store did not keep a number for ingestion '${name}'.`);
    this.known.set(name, id);
    return id;
  }

  private async find(name: string): Promise<number | null> {
    const rows = await this.sql.query<{ id: number }>(`SELECT id FROM ${IDS} WHERE name = $1`, [name]);
    return rows.length ? Number(rows[0].id) : null;
  }
}
