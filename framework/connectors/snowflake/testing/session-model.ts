/**
 * What the Snowflake protocol fake models of a session beyond reading queries, for the
 * experiment pipeline's SQL session, as Snowflake documents it:
 * - the current schema (USE SCHEMA; CREATE SCHEMA also makes the new schema current) and the
 *   SEARCH_PATH queries resolve unqualified names through (`$current`, `$public`, names);
 *   PUBLIC is the fake's DuckDB `main`;
 * - bind variables (`:1`, with the SDK's `bindings` map);
 * - explicit transactions: BEGIN … COMMIT/ROLLBACK, where a DDL statement first commits the
 *   open transaction and then runs on its own (so DDL can never be rolled back);
 * - DML answers in Snowflake's shape (`number of rows inserted` …, with the DML statement type
 *   the SDK counts updated rows from), DDL answers as a status line;
 * - ALTER TABLE … SWAP WITH / RENAME TO (also into another schema) and CREATE TABLE … CLONE;
 * - TABLE(INFORMATION_SCHEMA.QUERY_HISTORY_BY_SESSION(…)) over the session's statements, with
 *   ROWS_PRODUCED and BYTES_SCANNED (the fake's stand-in: DuckDB's row estimate × columns × 8
 *   bytes of each table the statement names, estimated when the history is first read after
 *   the statement, as the pipeline reads it after each statement);
 * - optionally, result column names folded to upper case unless the statement quotes them.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { singleValuePage, type ResultPage } from './results.js';
import { toDuckDB } from './sql-shim.js';

/** The SDK's `bindings` field: position → type and text. */
export type Bindings = Record<string, { type: string; value: string | null }>;

interface HistoryEntry {
  queryId: string;
  text: string;
  type: string;
  status: 'SUCCESS' | 'FAILED_WITH_ERROR';
  rowsProduced: number;
  /** Whether the statement reads tables (a query, DML, CREATE TABLE … AS). */
  scans: boolean;
  /** Null until the history is read: see `estimateBytesScanned`. */
  bytesScanned: number | null;
}

interface SessionState {
  token: string;
  schema: string;
  /** SEARCH_PATH entries as given (`$current`, `$public`, schema names). */
  searchPath: string[];
  inTransaction: boolean;
  history: HistoryEntry[];
  /** How many of `history` are in the fake's history table. */
  recorded: number;
}

/** A statement to run: its session, text and binds. */
export interface ModelStatement {
  token: string;
  queryId: string;
  sqlText: string;
  bindings?: Bindings;
}

/** A response page with Snowflake's statement type id (0x1000 query, 0x31xx DML, 0x6000 DDL). */
export type ModelPage = ResultPage & { statementTypeId: number };

/** The query history's columns the fake models, with their DuckDB types. */
const HISTORY_COLUMNS = [
  ['QUERY_ID', 'VARCHAR'],
  ['QUERY_TEXT', 'VARCHAR'],
  ['QUERY_TYPE', 'VARCHAR'],
  ['EXECUTION_STATUS', 'VARCHAR'],
  ['ROWS_PRODUCED', 'BIGINT'],
  ['BYTES_SCANNED', 'BIGINT'],
] as const;
const DML = /^\s*(INSERT|UPDATE|DELETE|MERGE|TRUNCATE)\b/i;
const DDL = /^\s*(CREATE|DROP|UNDROP|ALTER\s+(?!SESSION\b))/i;
const DML_ANSWERS: Record<string, [number, string]> = {
  INSERT: [0x3100, 'number of rows inserted'],
  UPDATE: [0x3200, 'number of rows updated'],
  DELETE: [0x3300, 'number of rows deleted'],
  MERGE: [0x3400, 'number of rows updated'],
  TRUNCATE: [0x3300, 'number of rows deleted'],
};
const HISTORY_CALL =
  /TABLE\s*\(\s*INFORMATION_SCHEMA\s*\.\s*QUERY_HISTORY_BY_SESSION\s*\((?:[^()]|\([^()]*\))*\)\s*\)/i;
const NAME = String.raw`((?:"[^"]+"|[A-Za-z_][\w$]*)(?:\.(?:"[^"]+"|[A-Za-z_][\w$]*))*)`;

const duckSchema = (name: string) => (name.replace(/"/g, '').toUpperCase() === 'PUBLIC' ? 'main' : name);
const text = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/** The statement with each `:n` bind replaced by a Snowflake literal of its value. */
function bind(sql: string, bindings: Bindings | undefined): string {
  if (!bindings) return sql;
  return sql.replace(/'(?:[^']|'')*'|:(\d+)\b/g, (match, n: string | undefined) => {
    if (n === undefined) return match;
    const b = bindings[n];
    if (!b || b.value === null) return 'NULL';
    return b.type === 'FIXED' || b.type === 'REAL' || b.type === 'BOOLEAN' ? b.value : text(b.value);
  });
}

export class SessionModel {
  private readonly sessions = new Map<string, SessionState>();
  private historyTable = false;

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly options: { upperCaseNames: boolean },
  ) {}

  /** Runs one statement of a session; `create` turns DuckDB SQL into a result page. */
  async run(statement: ModelStatement, create: (sql: string) => Promise<ResultPage>): Promise<ModelPage> {
    const session = this.session(statement.token);
    const sql = bind(statement.sqlText, statement.bindings);
    const entry: HistoryEntry = {
      queryId: statement.queryId,
      text: statement.sqlText,
      type: /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? 'UNKNOWN',
      status: 'FAILED_WITH_ERROR',
      rowsProduced: 0,
      scans: false,
      bytesScanned: null,
    };
    session.history.push(entry);
    await this.applyPath(session);
    const page = await this.dispatch(session, sql, entry, create);
    entry.status = 'SUCCESS';
    return this.options.upperCaseNames ? foldNames(page, statement.sqlText) : page;
  }

  private session(token: string): SessionState {
    let state = this.sessions.get(token);
    if (!state) {
      state = {
        token,
        schema: 'main',
        searchPath: ['$current', '$public'],
        inTransaction: false,
        history: [],
        recorded: 0,
      };
      this.sessions.set(token, state);
    }
    return state;
  }

  /** Points DuckDB's default schema and search path at the session's, before each of its statements. */
  private async applyPath(session: SessionState): Promise<void> {
    const path = session.searchPath.map((s) =>
      s.toLowerCase() === '$current' ? session.schema : s.toLowerCase() === '$public' ? 'main' : duckSchema(s),
    );
    await this.connection.run(
      `SET schema = ${text(session.schema)}; SET search_path = ${text([...new Set(path)].join(','))}`,
    );
  }

  private async dispatch(
    session: SessionState,
    sql: string,
    entry: HistoryEntry,
    create: (sql: string) => Promise<ResultPage>,
  ): Promise<ModelPage> {
    const status = {
      ...singleValuePage('status', 'VARCHAR', 'Statement executed successfully.'),
      statementTypeId: 0x6000,
    };
    if (this.sessionStatement(session, sql)) return status;
    if (await this.transactionStatement(session, sql)) return status;
    if (DDL.test(sql)) {
      if (session.inTransaction) await this.endTransaction(session, 'COMMIT');
      await this.ddl(session, sql, entry);
      return status;
    }
    entry.scans = true;
    if (DML.test(sql)) return this.dml(session, sql, entry);
    const page = await create(await this.translate(session, sql));
    entry.rowsProduced = page.total;
    return { ...page, statementTypeId: 0x1000 };
  }

  /** USE SCHEMA and ALTER SESSION SET SEARCH_PATH; other USE / ALTER SESSION statements change nothing here. */
  private sessionStatement(session: SessionState, sql: string): boolean {
    const use = new RegExp(String.raw`^\s*USE\s+SCHEMA\s+${NAME}\s*;?\s*$`, 'i').exec(sql);
    if (use) session.schema = duckSchema(use[1].split('.').pop()!);
    const path = /^\s*ALTER\s+SESSION\s+SET\s+SEARCH_PATH\s*=\s*'([^']*)'/i.exec(sql);
    if (path) session.searchPath = path[1].split(',').map((s) => s.trim().split('.').pop()!);
    return /^\s*(ALTER\s+SESSION|USE)\b/i.test(sql);
  }

  private async transactionStatement(session: SessionState, sql: string): Promise<boolean> {
    const word = /^\s*(BEGIN|START\s+TRANSACTION|COMMIT|ROLLBACK)\b/i.exec(sql)?.[1]?.toUpperCase();
    if (!word) return false;
    if (word === 'COMMIT' || word === 'ROLLBACK') {
      if (session.inTransaction) await this.endTransaction(session, word);
    } else if (!session.inTransaction) {
      // Snowflake ignores BEGIN inside an open transaction.
      await this.connection.run('BEGIN TRANSACTION');
      session.inTransaction = true;
    }
    return true;
  }

  private async endTransaction(session: SessionState, how: 'COMMIT' | 'ROLLBACK'): Promise<void> {
    session.inTransaction = false;
    await this.connection.run(how);
  }

  private async ddl(session: SessionState, sql: string, entry: HistoryEntry): Promise<void> {
    const swap = new RegExp(String.raw`^\s*ALTER\s+TABLE\s+${NAME}\s+SWAP\s+WITH\s+${NAME}\s*;?\s*$`, 'i').exec(sql);
    const rename = new RegExp(String.raw`^\s*ALTER\s+TABLE\s+${NAME}\s+RENAME\s+TO\s+${NAME}\s*;?\s*$`, 'i').exec(sql);
    const clone = new RegExp(
      String.raw`^\s*CREATE\s+(OR\s+REPLACE\s+)?TABLE\s+${NAME}\s+CLONE\s+${NAME}\s*;?\s*$`,
      'i',
    );
    const cloned = clone.exec(sql);
    if (swap)
      return this.atomically([
        ...moveSql(swap[1], 'fake_swap'),
        ...moveSql(swap[2], swap[1]),
        ...moveSql('fake_swap', swap[2]),
      ]);
    if (rename) return this.atomically(moveSql(rename[1], rename[2]));
    if (cloned) return this.atomically([`CREATE ${cloned[1] ?? ''}TABLE ${cloned[2]} AS SELECT * FROM ${cloned[3]}`]);
    const translated = await this.translate(session, sql);
    if (/^\s*CREATE\s+(OR\s+REPLACE\s+)?(TRANSIENT\s+)?TABLE\s[^(]*\sAS\s/i.test(sql)) {
      entry.scans = true;
      const reader = await this.connection.runAndReadAll(translated);
      entry.rowsProduced = Number(reader.getRows()[0]?.[0] ?? 0);
      return;
    }
    await this.connection.run(translated);
    const schema = new RegExp(
      String.raw`^\s*CREATE\s+(OR\s+REPLACE\s+)?SCHEMA\s+(IF\s+NOT\s+EXISTS\s+)?${NAME}`,
      'i',
    ).exec(sql);
    if (schema) session.schema = duckSchema(schema[3].split('.').pop()!);
  }

  /** Statements run in one DuckDB transaction, as Snowflake runs one DDL statement. */
  private async atomically(statements: string[]): Promise<void> {
    await this.connection.run('BEGIN TRANSACTION');
    try {
      for (const statement of statements) await this.connection.run(statement);
      await this.connection.run('COMMIT');
    } catch (err) {
      await this.connection.run('ROLLBACK');
      throw err;
    }
  }

  private async dml(session: SessionState, sql: string, entry: HistoryEntry): Promise<ModelPage> {
    const [typeId, column] = DML_ANSWERS[entry.type] ?? [0x3000, 'number of rows affected'];
    const result = await this.connection.run(await this.translate(session, sql));
    entry.rowsProduced = Number(result.rowsChanged);
    return { ...singleValuePage(column, 'BIGINT', String(entry.rowsProduced)), statementTypeId: typeId };
  }

  /** DuckDB SQL for a Snowflake statement; the session's query history stands in for the table function. */
  private async translate(session: SessionState, sql: string): Promise<string> {
    if (!HISTORY_CALL.test(sql)) return toDuckDB(sql);
    await this.recordHistory(session);
    // RESULT_LIMIT defaults to 100, the session's most recent statements (not this one).
    const names = HISTORY_COLUMNS.map(([name]) => name).join(', ');
    const recent = `(SELECT ${names} FROM temp.fake_query_history WHERE SESSION_TOKEN = ${text(session.token)} ORDER BY SEQ DESC LIMIT 100)`;
    const translated = await toDuckDB(sql.replace(HISTORY_CALL, 'WHARF_FAKE_QUERY_HISTORY'));
    return translated.replace(/\bWHARF_FAKE_QUERY_HISTORY\b/gi, `${recent} AS fake_query_history`);
  }

  /**
   * Adds the session's finished statements not yet in the fake's history table to it: every
   * one but the last, the statement reading the history.
   */
  private async recordHistory(session: SessionState): Promise<void> {
    if (!this.historyTable) {
      const columns = HISTORY_COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ');
      await this.connection.run(`CREATE TEMP TABLE fake_query_history (SESSION_TOKEN VARCHAR, SEQ BIGINT, ${columns})`);
      this.historyTable = true;
    }
    const finished = session.history.slice(session.recorded, -1);
    if (finished.length === 0) return;
    await this.estimateBytesScanned(finished);
    const rows = finished.map(
      (h, i) =>
        `(${text(session.token)}, ${session.recorded + i}, ${text(h.queryId)}, ${text(h.text)}, ${text(h.type)}, ${text(h.status)}, ${h.rowsProduced}, ${h.bytesScanned ?? 0})`,
    );
    await this.connection.run(`INSERT INTO temp.fake_query_history VALUES ${rows.join(', ')}`);
    session.recorded += finished.length;
  }

  /**
   * The fake's bytes scanned of the statements not yet estimated: estimated rows × columns × 8
   * of every table each names, from one look at DuckDB's catalog.
   */
  private async estimateBytesScanned(entries: HistoryEntry[]): Promise<void> {
    const pending = entries.filter((h) => h.bytesScanned === null);
    if (pending.some((h) => h.scans)) {
      // The largest of a name's tables (one per schema); grouped here, cheaper than in SQL.
      const reader = await this.connection.runAndReadAll(
        `SELECT table_name, estimated_size * column_count * 8 FROM duckdb_tables() WHERE NOT temporary`,
      );
      const largest = new Map<string, number>();
      for (const [name, bytes] of reader.getRows())
        largest.set(String(name), Math.max(largest.get(String(name)) ?? 0, Number(bytes)));
      const tables = [...largest].map(([name, bytes]) => ({
        named: new RegExp(`(^|[^\\w$])"?${name.replace(/[^\w]/g, '\\$&')}"?($|[^\\w$])`, 'i'),
        bytes,
      }));
      for (const h of pending.filter((p) => p.scans))
        h.bytesScanned = tables.filter((t) => t.named.test(h.text)).reduce((sum, t) => sum + t.bytes, 0);
    }
    for (const h of pending) h.bytesScanned ??= 0;
  }
}

/** `CREATE … AS SELECT` of `to` from `from`, then DROP of `from`: a move that works across DuckDB schemas. */
function moveSql(from: string, to: string): string[] {
  return [`CREATE TABLE ${to} AS SELECT * FROM ${from}`, `DROP TABLE ${from}`];
}

/** Result column names as Snowflake returns them: upper case, unless the statement quotes them. */
function foldNames(page: ModelPage, sqlText: string): ModelPage {
  const fold = (name: string) =>
    /^[A-Za-z_][\w$]*$/.test(name) && !sqlText.includes(`"${name}"`) ? name.toUpperCase() : name;
  return { ...page, rowtype: page.rowtype.map((r) => ({ ...r, name: fold(r.name) })) };
}
