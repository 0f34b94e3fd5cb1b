/**
 * The SQL engine behind the local warehouse protocol fakes (Athena, Databricks, Synapse): an
 * in-memory DuckDB, in UTC, that runs the statements the real clients send and returns
 * columns and rows for the fake to encode in its warehouse's wire format.
 */
import { JSDuckDBValueConverter, type DuckDBType } from '@duckdb/node-api';
import { createDuckDBSeries, loadDuckDBTable } from '../../framework/connectors/conformance/duckdb-fixtures.js';
import type { ConformanceHarness } from '../../framework/connectors/conformance/harness.js';
import { openDuckDB, type DuckDBHandle } from '../../framework/util/duckdb.js';

export interface BackendColumn {
  name: string;
  /** DuckDB's type name, e.g. VARCHAR, BIGINT, TIMESTAMP WITH TIME ZONE, JSON. */
  duckType: string;
  type: DuckDBType;
}

export interface BackendResult {
  columns: BackendColumn[];
  rows: unknown[][];
}

export class DuckDBBackend {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly db: DuckDBHandle) {}

  /** The connection, for fixture loaders; use `exclusive` so statements do not interleave. */
  get connection() {
    return this.db.connection;
  }

  /** Runs `work` after every earlier statement, alone on the connection. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** The conformance suite's fixture loaders, writing into this backend between its statements. */
  fixtureLoaders(): Pick<ConformanceHarness, 'createTable' | 'createSeries'> {
    return {
      createTable: async (name, columns, rows) => {
        await this.exclusive(() => loadDuckDBTable(this.connection, name, columns, rows));
        return name;
      },
      createSeries: async (name, rowCount, day) => {
        await this.exclusive(() => createDuckDBSeries(this.connection, name, rowCount, day));
        return name;
      },
    };
  }

  static async open(): Promise<DuckDBBackend> {
    const db = await openDuckDB(':memory:');
    await db.connection.run("SET TimeZone = 'UTC'");
    return new DuckDBBackend(db);
  }

  /** Runs one statement; throws DuckDB's own error for bad SQL. */
  run(sql: string): Promise<BackendResult> {
    return this.exclusive(() => this.runNow(sql));
  }

  private async runNow(sql: string): Promise<BackendResult> {
    const reader = await this.db.connection.runAndReadAll(sql);
    const names = reader.columnNames();
    const types = reader.columnTypes();
    const columns = names.map((name, i) => ({ name, type: types[i], duckType: types[i].alias ?? types[i].toString() }));
    const rows = reader
      .getRows()
      .map((row) => row.map((value, i) => JSDuckDBValueConverter(value, types[i], JSDuckDBValueConverter)));
    return { columns, rows };
  }

  close(): void {
    this.db.close();
  }
}

/** Where a failed statement went wrong, as DuckDB reports it (`LINE 2: …` and a caret under the spot). */
export interface StatementFailure {
  /** DuckDB's message without its `LINE n:` excerpt. */
  text: string;
  /** 1-based line and column of the statement; null when DuckDB named no place. */
  line: number | null;
  column: number | null;
}

/**
 * DuckDB's error message taken apart, so a fake can word it the way its warehouse does (Athena:
 * `line 2:8: …`; Databricks: `…; line 2 pos 7`; SQL Server: the line in the ERROR token).
 */
export function statementFailure(message: string): StatementFailure {
  const place = /\n*LINE (\d+): (.*)\n( *)\^/.exec(message);
  if (!place) return { text: message, line: null, column: null };
  const prefix = `LINE ${place[1]}: `.length;
  return {
    text: message.slice(0, place.index).trim(),
    line: Number(place[1]),
    // A long line's excerpt starts at '...' somewhere inside it: its column is not known.
    column: place[2].startsWith('...') ? null : place[3].length - prefix + 1,
  };
}
