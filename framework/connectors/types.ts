/**
 * The connector contract. Every source kind, built-in or from a plugin, implements it, and
 * one conformance suite (connectors/conformance/) runs against each implementation.
 *
 * A connector never sees the store, the ledger or a schedule: it answers questions about
 * the warehouse (what columns, which rows of a day, how many, has data) and nothing else.
 */
import type { IsoDate, SourceConfig } from '../config/types.js';

/** A result row: column name → value, normalized as described on RowValue. */
export type Row = Record<string, RowValue>;

/**
 * Values as connectors hand them to the engine, whatever the warehouse's types:
 * - strings as `string`; JSON columns as the JSON text (`string`) or an already-parsed object;
 * - integers as `number` when they fit in 2^53, otherwise `bigint`; floating point as `number`
 *   (NaN and ±Infinity included);
 * - DATE as an ISO `YYYY-MM-DD` string;
 * - TIMESTAMP (without zone: read as UTC) and TIMESTAMPTZ as a `Date`;
 * - booleans as `boolean`; SQL NULL as `null`.
 */
export type RowValue = string | number | bigint | boolean | Date | null | Record<string, unknown> | unknown[];

/** The engine's view of a result column's type. */
export type LogicalType = 'string' | 'integer' | 'double' | 'boolean' | 'date' | 'timestamp' | 'json' | 'other';

export interface ColumnInfo {
  name: string;
  type: LogicalType;
  /** The warehouse's own type name, for messages. */
  nativeType: string;
}

/** The user's query, with what is needed to name it in errors. */
export interface QuerySpec {
  /** Mapping name, quoted in every error about this query. */
  mapping: string;
  /** Path of the SQL file relative to the project root, quoted in errors. */
  sqlFile: string;
  /** The SQL text as written by the user (no trailing semicolon handling needed by callers). */
  sql: string;
  dataset: 'events' | 'metrics';
  /** How long one statement of this query may run before it is cancelled in the warehouse (default 30 minutes). */
  timeoutMs?: number;
}

/**
 * Restricts a query to one day. Wharf wraps the user's SQL and filters it so the warehouse
 * does the filtering and only that day travels:
 * - `date` / `string` columns (metrics' `date`): the value equals `day`;
 * - `timestamp` columns (events' `timestamp`): `fromUtc <= value < toUtc`, the day's bounds in
 *   the project's zone (PST by default) as UTC instants;
 * - `integer` / `double` columns: UNIX seconds or milliseconds in the same bounds (both ranges
 *   are tested; they cannot overlap for real dates).
 */
export interface DayFilter {
  column: string;
  columnType: LogicalType;
  day: IsoDate;
  fromUtc: Date;
  toUtc: Date;
  /**
   * How a `string` column selects the day: `day` (default; a metrics date) by its first ten
   * characters, the date as written; `instant` (an events timestamp) as an ISO date-time,
   * with or without zone (none: UTC), in [fromUtc, toUtc) like a TIMESTAMP column.
   */
  textAs?: 'day' | 'instant';
}

/** Aggregates computed in the warehouse, for rechecks. Never downloads rows. */
export interface DayStats {
  day: IsoDate;
  rowCount: number;
  /** Deterministic digest of the day's content, or null when the connector cannot compute one. */
  fingerprint: string | null;
}

/** What dayStats computes besides the count. */
export interface DayStatsOptions {
  /**
   * Compute the content fingerprint (default true). False: count only, so the warehouse
   * never hashes the day's rows; every returned fingerprint is null.
   */
  fingerprint?: boolean;
}

export interface StreamOptions {
  /** Rows per yielded batch; memory stays bounded by this, not by the result size. */
  batchSize: number;
  signal?: AbortSignal;
}

/** What a connector can do, declared as data so the plan and docs can show it. */
export interface ConnectorCapabilities {
  /** Content fingerprints in dayStats. */
  fingerprint: boolean;
  /** How a signal schedule reads `finished_date`: a table/query, the S3 `signals/` folder, or not at all. */
  signals: 'table' | 'folder' | 'none';
}

/** An open connection to one source. */
export interface Connector {
  readonly kind: string;
  readonly sourceName: string;
  readonly capabilities: ConnectorCapabilities;

  /** Result columns of the query, without fetching rows (e.g. `LIMIT 0`). */
  describe(query: QuerySpec): Promise<ColumnInfo[]>;

  /** The rows of one day, streamed in bounded batches. */
  streamDay(query: QuerySpec, filter: DayFilter, options: StreamOptions): AsyncIterable<Row[]>;

  /** The first `limit` rows of the query, unfiltered (`ingest sample`). */
  sample(query: QuerySpec, limit: number): Promise<Row[]>;

  /** Row count and fingerprint per day, computed in the warehouse; count only with `{ fingerprint: false }`. */
  dayStats(query: QuerySpec, filters: DayFilter[], options?: DayStatsOptions): Promise<DayStats[]>;

  /** Whether the day has at least one row. */
  hasData(query: QuerySpec, filter: DayFilter): Promise<boolean>;

  /** Latest `finished_date` of a signal dataset (`table` for table signals), or null if none. */
  latestFinishedDate?(signal: { table?: string }): Promise<IsoDate | null>;

  /** Days as delimited text in one bulk export, for the columnar metrics path (see ColumnarExport). */
  readonly columnar?: ColumnarExport;

  close(): Promise<void>;
}

/** What Wharf hands a connector factory. */
export interface ConnectorContext {
  /** Absolute path of the project root; relative paths in source config resolve against it. */
  projectRoot: string;
  /** Resolves an environment reference at run time; throws a config error naming the variable. */
  resolveSecret(ref: { env: string }, field: string): string;
}

/**
 * A connector kind, registered by name. Built-ins live in connectors/<kind>/ and plugins
 * export one of these as their default export (see plugins/README.md).
 */
export interface ConnectorDefinition<C = SourceConfig> {
  kind: string;
  capabilities: ConnectorCapabilities;
  /**
   * JSON Schema of the source's config, for plugin kinds (built-ins are validated by the
   * generated schema). Validated by the loader; errors are reported with the file and field.
   */
  configSchema?: Record<string, unknown>;
  /** Opens the connection. Heavy client libraries are imported here, lazily. */
  create(config: C, context: ConnectorContext): Promise<Connector>;
  /**
   * Opens a read-write SQL session on the source, for kinds that can host the experiment
   * pipeline (an experiment's `warehouse`). Absent: the kind cannot.
   */
  openSqlSession?(config: C, context: ConnectorContext, options: SqlSessionOptions): Promise<SqlSession>;
}

/** Where a SQL session writes. */
export interface SqlSessionOptions {
  /** Schema (BigQuery: dataset) that unqualified table names resolve to; created when missing. */
  schema: string;
}

/** What the warehouse reports about one statement it ran (null where it reports nothing). */
export interface StatementReport {
  /**
   * The warehouse's id of the statement or job (Snowflake query id, BigQuery job id, PostgreSQL backend pid and
   * statement number).
   */
  queryId: string | null;
  /** Rows the statement inserted, deleted or created. */
  rows: number | null;
  bytesScanned: number | null;
  bytesBilled: number | null;
}

/** SQL on a source, with positional `$1, $2, …` parameters and values shaped as RowValue describes. */
export interface SqlStatements {
  query<T = Row>(sql: string, params?: unknown[]): Promise<{ rows: T[]; report: StatementReport }>;
  exec(sql: string): Promise<StatementReport>;
}

/**
 * A read-write session on a source (see ConnectorDefinition.openSqlSession). Sessions run in
 * UTC and resolve unqualified names to `options.schema` first, then the source's defaults.
 */
export interface SqlSession extends SqlStatements {
  readonly kind: string;
  readonly sourceName: string;
  readonly schema: string;
  /** Result columns of a query, without running it to completion. */
  describe(sql: string): Promise<ColumnInfo[]>;
  /**
   * Runs `fn` in one transaction; absent on warehouses without multi-statement transactions
   * (BigQuery outside scripts), where the caller must make a failed run safe itself.
   */
  transaction?<T>(fn: (tx: SqlStatements) => Promise<T>): Promise<T>;
  /**
   * For warehouses where DDL cannot be rolled back (Snowflake commits an open transaction at
   * DDL; Databricks has none): runs `fn` on copies of `tables` (those that exist, matched
   * case-insensitively) in a staging schema that unqualified names resolve to, then puts every
   * table `fn` left there in place of the one in `schema`. When `fn` fails, the tables in
   * `schema` are untouched and the staging schema is dropped.
   */
  staged?<T>(tables: string[], fn: (tx: SqlStatements) => Promise<T>): Promise<T>;
  /**
   * Runs DML statements (INSERT, DELETE, no DDL) all or none, as one request, on a warehouse
   * whose transactions cannot span requests or DDL (BigQuery: one script in BEGIN TRANSACTION …
   * COMMIT TRANSACTION). The pipeline's staging-and-swap commits with it (experiments/staged-run.ts).
   */
  atomically?(statements: string[]): Promise<StatementReport>;
  close(): Promise<void>;
}

/**
 * Where a multi-day bulk export puts its rows (see ColumnarExport.copyDays). Rows arrive as
 * the warehouse sends them, each already routed to its day, without a JavaScript value per row.
 */
export interface DayRowSink {
  /**
   * Row `buf[start, end)` (its text, newline included) belongs to `filters[day]`; the bytes are only valid during the
   * call.
   */
  row(day: number, buf: Buffer, start: number, end: number): void;
  /** Handed the export's flow control once it runs: the sink pauses it while its consumer catches up. */
  attach(flow: { pause(): void; resume(): void }): void;
}

export interface CopyDaysOptions {
  /**
   * The result columns to export, by name, in this order (names are unique). The first is
   * the day column: rows are routed by the text at its start, without parsing the row.
   */
  columns: string[];
  /** Append each row's fingerprint term (a bigint) as one more column. */
  fingerprint: boolean;
}

/**
 * A bulk export of days' rows as delimited text in PostgreSQL's COPY text format: fields
 * separated by a tab, each the warehouse's own text for its value, NULL as `\N`, and a
 * backslash before any escaped character (tab, newline, carriage return, backspace, form
 * feed, vertical tab, backslash). A store can then load and validate rows column-wise instead
 * of one JavaScript object per row; a field with a backslash must go through `parseRow`,
 * which turns one exported row back into exactly the Row that `streamDay` would have
 * produced, for the few rows the rules must look at one by one.
 */
export interface ColumnarExport {
  /** Whether the columnar path can read these columns as text without changing their values. */
  textColumns(columns: ColumnInfo[]): boolean;
  /**
   * A type whose CSV reading gives exactly the value `parseRow` gives, for every text this
   * column can hold (so the store can parse it while reading the file), or null for text.
   */
  exactCsvType(column: ColumnInfo): 'DOUBLE' | 'DATE' | null;
  /**
   * How a timestamp column's field is written: PostgreSQL's canonical text, or UNIX
   * milliseconds (the row path's Date), which the store must read as milliseconds whatever
   * their size (an integer column's numbers below 10^11 are seconds; an instant's never are).
   */
  readonly timestampText: 'canonical' | 'epochMs';
  /**
   * Whether the export writes this JSON column's values with no whitespace between tokens (as
   * DuckDB's `to_json` does), so the store need not take it out; absent: it may have some.
   */
  compactJson?(column: ColumnInfo): boolean;
  /**
   * Exports the rows of all the filters' days in one query, the same rows streamDay gives for
   * each day, and hands each row to the sink with its day. Several days need a DATE or string
   * day column (rows are routed by its text, `YYYY-MM-DD`); one day can have any.
   * One pass over the warehouse for a range of days instead of one per day.
   */
  copyDays(query: QuerySpec, filters: DayFilter[], options: CopyDaysOptions, sink: DayRowSink): Promise<void>;
  /**
   * A day's DayStats from the export: its row count and the sum of its fingerprint column (null: empty day, or no
   * fingerprint asked for).
   */
  dayStats(day: string, rowCount: number, fingerprintSum: string | null): DayStats;
  parseRow(columns: ColumnInfo[], raw: (string | null)[]): Row;
  /**
   * Sources whose query runs in DuckDB (a DuckDB file, S3 parquet): each day's rows written
   * by the source's DuckDB into a parquet file of the export's columns, typed as the store
   * reads the text export (ParquetDaysOptions), for a store that reads parquet itself — no
   * text and no value per row in Node. The same rows, in the same order, as copyDays; the
   * days are handed to the sink one at a time, each in one file (a day handed on has all its
   * rows, and may be committed while the next ones are written). Absent: the text export only.
   */
  parquetDays?(
    query: QuerySpec,
    filters: DayFilter[],
    options: ParquetDaysOptions,
    sink: ParquetDaySink,
  ): Promise<void>;
}

export interface ParquetDaysOptions extends CopyDaysOptions {
  /**
   * Per exported column, the type the store reads its text-export field as (see exactCsvType): the file's column
   * `c<i>` is that field's text (`VARCHAR`, COPY's escapes included) or the value the text parses to (`DOUBLE`,
   * `DATE`).
   */
  columnTypes: ('VARCHAR' | 'DOUBLE' | 'DATE')[];
  /** The folder the files are written to (the sink removes each once loaded). */
  dir: string;
}

/** One day's parquet file (see ColumnarExport.parquetDays). */
export interface ParquetDay {
  /** Index of the day in the filters. */
  day: number;
  file: string;
  rows: number;
  /** With fingerprints: the day's fingerprint term (a token dayStats reads back), else null. */
  fingerprintTerm: string | null;
}

/** Takes a day's file; settles once it can take the next (the export waits, so files do not pile up on disk). */
export type ParquetDaySink = (day: ParquetDay) => Promise<void>;
