/**
 * The in-process DuckDB where the PostgreSQL store's columnar loads stage their days: the
 * DuckDB store's checks (its SQL, its hand-back of uncertain rows to the row path's checks)
 * run there unchanged, each day in a schema of its own, and the accepted rows leave for
 * PostgreSQL as CSV written by DuckDB. One database per process, opened by the first
 * load and closed after the last.
 */
import { createReadStream, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { openDuckDB, type DuckDBHandle } from '../../util/duckdb.js';
import { literal } from '../duckdb/metric-csv-sql.js';

/** The staging DuckDB's memory cap; it spills to its temporary folder beyond it. */
const STAGING_MEMORY = process.env.WHARF_PG_STAGING_MEMORY_LIMIT ?? '192MB';

/**
 * The format the staged rows travel in: CSV as DuckDB writes it, tab-separated and quoted
 * with the control character U+0001, which text data hardly ever holds: a value is quoted
 * only when it holds a tab, a line break or that character (doubled inside the quotes), an
 * empty string is an empty quoted value, NULL is nothing. PostgreSQL's `COPY … (FORMAT csv)`
 * with the same delimiter and quote reads back the same values. DuckDB writes it without a
 * function call per value: COPY's text format needed four `replace` calls per text column to
 * escape backslashes, tabs and line breaks, which cost three to six times the rest of the
 * write (1 million events: 4.0-4.6 CPU-seconds against 0.6); and with `"` as the quote,
 * every JSON text would be quoted and its quotes doubled (1.1 CPU-seconds, and PostgreSQL
 * 0.2 more to undo it).
 */
const QUOTE = '\u0001';
const STAGED_CSV = `FORMAT csv, HEADER false, DELIMITER '\t', QUOTE '${QUOTE}', ESCAPE '${QUOTE}'`;
/** The same format on PostgreSQL's side (its CSV reads an unquoted empty value as NULL). */
const PG_CSV = `(FORMAT csv, DELIMITER E'\\t', QUOTE E'\\x01')`;

/**
 * One in-memory DuckDB for the process's staging loads. Each statement runs on one thread:
 * the store's load lanes give the parallelism.
 */
class StagingDatabase {
  private static opened: Promise<DuckDBHandle> | null = null;
  private static users = 0;

  static async acquire(): Promise<DuckDBHandle> {
    StagingDatabase.users += 1;
    StagingDatabase.opened ??= StagingDatabase.open();
    try {
      return await StagingDatabase.opened;
    } catch (err) {
      StagingDatabase.release();
      throw err;
    }
  }

  static release(): void {
    StagingDatabase.users -= 1;
    if (StagingDatabase.users > 0 || !StagingDatabase.opened) return;
    const opened = StagingDatabase.opened;
    StagingDatabase.opened = null;
    void opened.then(
      (h) => h.close(),
      () => undefined,
    );
  }

  /** Spills go to the system's temporary folder (an in-memory DuckDB would use `.tmp` in the working folder). */
  private static async open(): Promise<DuckDBHandle> {
    const spill = await mkdtemp(join(tmpdir(), 'wharf-pg-staging-'));
    const handle = await openDuckDB(':memory:', { memory_limit: STAGING_MEMORY, threads: '1', temp_directory: spill });
    return {
      ...handle,
      close() {
        handle.close();
        rmSync(spill, { recursive: true, force: true });
      },
    };
  }
}

/**
 * One day's schema in the staging database, on a connection of its own whose unqualified
 * names (the `metrics` or `events` of the DuckDB loads' SQL) resolve to it.
 */
export class StagingSchema {
  private constructor(
    readonly connection: DuckDBConnection,
    private readonly schema: string,
    private readonly dir: string,
  ) {}

  /** Opens the schema, creating `tables` (CREATE TABLE statements) in it. */
  static async open(loadId: string, tables: string[]): Promise<StagingSchema> {
    const handle = await StagingDatabase.acquire();
    let connection: DuckDBConnection | null = null;
    try {
      connection = await handle.instance.connect();
      const schema = `wharf_stage_${loadId.replace(/[^a-z0-9]/gi, '')}`;
      await connection.run(`CREATE SCHEMA ${schema}`);
      await connection.run(`SET search_path = ${literal(schema)}`);
      for (const sql of tables) await connection.run(sql);
      return new StagingSchema(connection, schema, await mkdtemp(join(tmpdir(), 'wharf-pg-day-')));
    } catch (err) {
      connection?.closeSync();
      StagingDatabase.release();
      throw err;
    }
  }

  /**
   * Writes the rows of `select` to a CSV file (DuckDB writes it, STAGED_CSV); returns the file
   * and its rows, or null when there were none. Each `name` gets a file of its own.
   */
  async writeCsv(select: string, name: string): Promise<{ file: string; rows: number } | null> {
    const file = join(this.dir, `${name}.csv`);
    const written = await this.connection.run(`COPY (${select}) TO ${literal(file)} (${STAGED_CSV})`);
    const rows = Number(written.rowsChanged);
    if (rows > 0) return { file, rows };
    await rm(file, { force: true });
    return null;
  }

  /** Drops the schema and its files; the connection is closed either way. */
  async close(): Promise<void> {
    try {
      await this.connection.run(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
    } finally {
      this.connection.closeSync();
      StagingDatabase.release();
      await rm(this.dir, { recursive: true, force: true });
    }
  }
}

/** Sends a CSV file (writeCsv) into `table (columns)` on the day's client, in its open transaction, then removes it. */
export async function copyFileIn(client: pg.PoolClient, file: string, into: string): Promise<void> {
  try {
    const copy = client.query(copyFrom(`COPY ${into} FROM STDIN ${PG_CSV}`));
    await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), copy);
  } finally {
    await rm(file, { force: true });
  }
}
