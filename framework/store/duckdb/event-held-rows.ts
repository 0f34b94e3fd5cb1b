/**
 * The repeated timeuuids of a columnar events day into the DuckDB store (event-csv-load.ts):
 * which rows of a file to hold, because an earlier row of the day or of the file had their
 * timeuuid's hash (`DayTimeuuidHashes`, on the connection files are read on), and the held
 * rows themselves until the day's end stores the first of each timeuuid (`HeldEvents`, on the
 * day's connection, inside its transaction).
 *
 * Why held and not inserted: DuckDB writes a transaction's bulk inserts to the file as they
 * come, and moves them into the table at commit only when the transaction deleted none of its
 * own new rows; one such delete makes the commit write every row of the day again
 * (docs/engine-measurements.md, "Repeated events").
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { DUCKDB_ROWS } from '../schema.js';
import { EVENT_COLUMNS, INSERT_EVENTS, STORED_EVENT_TYPES } from './event-csv-sql.js';

/**
 * A file's rows to hold: their lines (numbered from 1 in file order) and, when few, the rows
 * as exported (`[ln, c0, c1, …, fp]`), read on the side connection so that the day's does not
 * read the file again for them. Many (a stream that sends every event twice) stay in the file:
 * handed over as values they cost more memory and time than the second read.
 */
export interface HeldRows {
  lines: bigint[];
  rows: HeldRow[] | null;
}

type HeldRow = (bigint | string | null)[];
/** Most rows of a file handed over from the side connection (see HeldRows): 1% of a file is 1,229. */
const HELD_ROWS_HANDED_OVER = 4_096;

/** A relation's rows numbered from 1 in its order, as `ln` (the same each time: DuckDB keeps a file's order). */
export function numbered(relation: string, columns = '*'): string {
  return `(SELECT row_number() OVER () AS ln, ${columns} FROM ${relation})`;
}

/**
 * Drops a temp table. After a failed statement the transaction takes nothing but ROLLBACK,
 * which drops it too: that statement's error is the one to report, not this one's.
 */
export async function dropTemp(connection: DuckDBConnection, table: string): Promise<void> {
  await connection.run(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
}

/** The 64-bit hashes of every timeuuid the day has read, kept in a table of the connection files are read on. */
export class DayTimeuuidHashes {
  /** The connection the table is on, once made. */
  private on: DuckDBConnection | null = null;

  /**
   * `column`: the export's timeuuid column; `rawColumns`: the export's columns as the row
   * path's checks read them (with `, fp` when the day is fingerprinted).
   */
  constructor(
    private readonly id: string,
    private readonly column: number,
    private readonly rawColumns: string,
  ) {}

  /**
   * The rows of a file whose timeuuid's 64-bit hash an earlier row of the day or of the file
   * had (every row read counts, stored or not), in file order; the file's hashes are then added
   * to the day's. A timeuuid with a backslash is always held: its stored text is the row path's
   * unescaping of it, which its hash does not read. Empty and NULL timeuuids get a new one.
   */
  async rowsToHold(csv: string, connection: DuckDBConnection): Promise<HeldRows> {
    const seen = await this.table(connection);
    const [hashes, repeats] = ['hashes', 'repeats'].map((t) => `wharf_${t}_${this.id}`);
    const tu = `c${this.column}`;
    await connection.run(`CREATE OR REPLACE TEMP TABLE ${hashes} AS
      SELECT ln, hash(${tu}) AS h, contains(${tu}, '\\') AS escaped
      FROM ${numbered(csv, tu)} WHERE ${tu} IS NOT NULL AND ${tu} <> ''`);
    try {
      // A semi join builds on the file's hashes and scans the day's (`h IN (…)` would build on the day's each time).
      await connection.run(`CREATE OR REPLACE TEMP TABLE ${repeats} AS SELECT DISTINCT ln FROM (
        SELECT ln FROM ${hashes} WHERE escaped
        UNION ALL SELECT f.ln FROM ${hashes} f SEMI JOIN ${seen} s ON f.h = s.h
        UNION ALL SELECT f.ln FROM ${hashes} f
          JOIN (SELECT h, min(ln) AS first FROM ${hashes} GROUP BY h HAVING count(*) > 1) r ON f.h = r.h AND f.ln > r.first)`);
      await connection.run(`INSERT INTO ${seen} SELECT h FROM ${hashes}`);
      const [[held]] = (await connection.runAndReadAll(`SELECT count(*) FROM ${repeats}`)).getRows();
      if (Number(held) > HELD_ROWS_HANDED_OVER) {
        const lines = await connection.runAndReadAll(`SELECT ln FROM ${repeats} ORDER BY ln`);
        return { lines: lines.getColumnsJS()[0] as bigint[], rows: null };
      }
      if (Number(held) === 0) return { lines: [], rows: null };
      const read = await connection.runAndReadAll(`SELECT ln, ${this.rawColumns}
        FROM ${numbered(csv)} WHERE ln IN (SELECT ln FROM ${repeats}) ORDER BY ln`);
      const rows = read.getRowsJS() as HeldRow[];
      return { lines: rows.map((r) => r[0] as bigint), rows };
    } finally {
      for (const table of [hashes, repeats]) await dropTemp(connection, table);
    }
  }

  /** Adds one timeuuid's hash (of a row read apart from the files) to the day's. */
  async remember(timeuuid: string, connection: DuckDBConnection): Promise<void> {
    await connection.run(`INSERT INTO ${await this.table(connection)} SELECT hash($1)`, [timeuuid]);
  }

  async drop(): Promise<void> {
    if (this.on) await dropTemp(this.on, this.name);
  }

  private get name(): string {
    return `wharf_seen_${this.id}`;
  }

  /** The table, made on `connection` (the one files are read on) the first time. */
  private async table(connection: DuckDBConnection): Promise<string> {
    if (!this.on) {
      await connection.run(`CREATE TEMP TABLE ${this.name} (h UBIGINT)`);
      this.on = connection;
    }
    return this.name;
  }
}

/** The day's held rows (place in the load order, line in its file, stored columns), on the day's connection. */
export class HeldEvents {
  /** Rows held so far. */
  count = 0;

  /**
   * `rawTypes`: the export's columns as a held file's lines table declares them (with `fp`
   * when the day is fingerprinted); `params`: the insert's ingestion number and day.
   */
  constructor(
    private readonly connection: DuckDBConnection,
    private readonly id: string,
    private readonly rawTypes: string,
    private readonly params: DuckDBValue[],
  ) {}

  /** The table the day's held rows go to, made the first time. */
  async table(): Promise<string> {
    const table = `wharf_held_${this.id}`;
    await this.connection.run(
      `CREATE TEMP TABLE IF NOT EXISTS ${table} (ord INTEGER, ln BIGINT, ${STORED_EVENT_TYPES})`,
    );
    return table;
  }

  /** The table of the held lines of the file being inserted (see linesOf). */
  get linesTable(): string {
    return `wharf_lines_${this.id}`;
  }

  /**
   * The held rows of the file being inserted (see HeldRows) as a table of the day's connection:
   * their lines (`ln`) and, when handed over, their exported fields.
   */
  async linesOf({ lines, rows }: HeldRows): Promise<string> {
    const table = this.linesTable;
    const fields = rows ? `, ${this.rawTypes}` : '';
    await this.connection.run(`CREATE OR REPLACE TEMP TABLE ${table} (ln BIGINT${fields})`);
    const appender = await this.connection.createAppender(table, 'main', 'temp');
    for (const row of rows ?? lines.map((ln) => [ln])) {
      for (const value of row) {
        if (value === null) appender.appendNull();
        else if (typeof value === 'bigint') appender.appendBigInt(value);
        else appender.appendVarchar(value);
      }
      appender.endRow();
    }
    appender.closeSync();
    return table;
  }

  /**
   * Stores each held row whose timeuuid no stored row has, the first of each such timeuuid in
   * load order; the others repeat an earlier row's and are counted as duplicates.
   */
  async store(): Promise<{ stored: number; duplicates: number }> {
    if (this.count === 0) return { stored: 0, duplicates: 0 };
    const held = `wharf_held_${this.id}`;
    try {
      const result = await this.connection.run(
        `${INSERT_EVENTS} ${EVENT_COLUMNS} FROM ${held} h WHERE NOT EXISTS (SELECT 1 FROM ${DUCKDB_ROWS.events} e
          WHERE e.ingestion_id = $1 AND e.day = CAST($2 AS DATE) AND e.timeuuid = h.timeuuid)
        QUALIFY row_number() OVER (PARTITION BY timeuuid ORDER BY ord, ln) = 1`,
        this.params,
      );
      const stored = Number(result.rowsChanged);
      return { stored, duplicates: this.count - stored };
    } finally {
      await dropTemp(this.connection, held);
    }
  }
}
