/**
 * The store: where ingested data, rejects, the per-day ledger, the applied state and locks
 * live. DuckDB (embedded, default) and PostgreSQL implement the same interface, and one
 * conformance suite runs against both.
 */
import type { ErrorClass } from '../diagnostics/errors.js';
import type { EventRecord, MetricRecord, RejectRecord } from './schema.js';

export type DayStatus = 'succeeded' | 'no_data' | 'failed';

/** The current state of one ingestion's day: written in the same transaction as its data. */
export interface LedgerEntry {
  ingestion: string;
  date: string;
  status: DayStatus;
  errorClass: ErrorClass | null;
  errorMessage: string | null;
  /**
   * What to do about a failure, when Wharf knew (the error's hint, secrets redacted). Null
   * otherwise, and for entries written before the store kept it (format version 5).
   */
  errorHint: string | null;
  rowsLoaded: number;
  rowsRejected: number;
  /** Top reject reasons: rule code → count. */
  rejectReasons: Record<string, number>;
  /**
   * Rows dropped because their timeuuid repeated an earlier row of the day (events; always 0
   * for metrics). Null for entries written before the store kept the count (format version 3).
   */
  duplicates: number | null;
  /** Row count of the day in the warehouse when it was loaded (the recheck baseline). */
  sourceRowCount: number | null;
  sourceFingerprint: string | null;
  /** Hash of the normalized mapping config (SQL included) the day was loaded with. */
  configHash: string;
  /** Git commit of the configuration, when known. */
  commitSha: string | null;
  /** Why this load ran: `schedule`, `backfill`, `recheck`, `api`, `signal`, `apply`, `manual`. */
  trigger: string;
  startedAt: Date;
  finishedAt: Date;
  /** When the day was first loaded successfully; the recheck window counts from here. */
  firstLoadedAt: Date | null;
  loadId: string;
}

/** Every load attempt, kept as history; failed attempts never touch a loaded day's ledger row. */
export type AttemptRecord = LedgerEntry;

/**
 * An open, uncommitted load of one day. Rows stream in batches; `commit` replaces the day's
 * rows, rejects and ledger entry in one transaction. `rollback` (or a crash) leaves the
 * previous version of the day and its ledger entry untouched.
 */
/**
 * An accepted metrics row without a denominator (a value-only row), kept as received in case
 * its metric turns out to be a ratio by the end of the day (see DayLoad.rejectNullDenominators).
 */
export interface HeldValueOnlyRow {
  metric: string;
  /** The row as the query returned it, as JSON (engine/row-values.ts rowJson). */
  row: string;
}

export interface DayLoad {
  /** Stamped on every row of this load; the ledger entry passed to `commit` carries it too. */
  readonly loadId: string;
  /** The day's ledger row when this load began (read under the day's lock), or null. */
  readonly previous: LedgerEntry | null;
  appendRows(rows: EventRecord[] | MetricRecord[]): Promise<void>;
  appendRejects(rejects: RejectRecord[]): Promise<void>;
  /**
   * Moves this load's rows of the given metrics whose denominator is null into the rejects
   * (ratio metrics count only units with a denominator), returning how many moved. Needed
   * because a metric is known to be a ratio only once a row with both parts has been seen.
   */
  rejectNullDenominators(metricNames: string[], reason: (metric: string) => string): Promise<number>;
  /**
   * Keeps the received form of this load's value-only rows (appended with appendRows), so
   * that rejectNullDenominators stores each moved row exactly as the query returned it:
   * every column, mapped or not, under the query's names. Every value-only row of a metric
   * that can become a ratio must be held, one for one, or the move fails.
   */
  holdValueOnlyRows(rows: HeldValueOnlyRow[]): Promise<void>;
  /**
   * Replaces the day's rows, rejects and ledger entry, and appends the entry to the attempt
   * history, in one transaction. `firstLoadedAt` is kept from an earlier successful load.
   */
  commit(entry: LedgerEntry): Promise<void>;
  rollback(): Promise<void>;
  /**
   * The columnar path for a metrics day: the day arrives as files of the warehouse's export
   * (COPY text format, see ColumnarExport), loaded and checked column-wise in the store (see
   * MetricsCsvLoad). Only stores that can do this have it; the engine uses the row path
   * otherwise.
   */
  metricsCsv?(spec: MetricsCsvSpec): MetricsCsvLoad;
  /**
   * The columnar path for an events day: the same export files, loaded and checked
   * column-wise in the store (see EventsCsvSpec), the timeuuid dedupe applied to the whole
   * day. Only stores that can do this have it; the engine uses the row path otherwise.
   */
  eventsCsv?(spec: EventsCsvSpec): ColumnarDayLoad;
}

/** The metrics targets an exported column or constant feeds. */
export type MetricTarget =
  'unit_id' | 'id_type' | 'date' | 'metric_name' | 'metric_value' | 'numerator' | 'denominator';

/**
 * How the columnar load reads one exported column: as text, or parsed while reading (see
 * ColumnarExport.exactCsvType).
 */
export type CsvColumnType = 'VARCHAR' | 'DOUBLE' | 'DATE';

/**
 * A metrics day exported as delimited text (COPY text format), and the rules to apply to it.
 * Rows the vectorized checks accept outright are loaded in bulk; every other row goes through
 * `checkRow`, the row path's own checks, so rule codes, reasons and counts match the row path
 * exactly.
 */
export interface MetricsCsvSpec {
  /** How to read each exported column, in export order. */
  columnTypes: CsvColumnType[];
  /**
   * The text files leave out the first exported column, the day: a DATE day column, whose
   * text in every row of a day's file is that day (see DayChunkFiles' `omitDay`). Parquet
   * files keep it.
   */
  filesOmitDay?: boolean;
  /** One more column follows the result columns: the row's fingerprint term (a bigint). */
  fingerprint: boolean;
  /**
   * Each target: an exported column (`numeric`: the warehouse sends canonical number text; `double`: a
   * floating-point or NUMERIC column, whose number a text target stores as JavaScript's `String` writes it), or a
   * constant already converted as the row path would.
   */
  targets: Record<
    MetricTarget,
    { column: number; numeric: boolean; double?: boolean } | { constant: string | number | null }
  >;
  idTypes: readonly string[];
  /** The mapping maps no metric_value: every metric is a ratio. */
  ratioOnly: boolean;
  /** The mapping maps both numerator and denominator: a metric can turn out to be a ratio. */
  ratioPossible: boolean;
  /** The row path's checks of one exported row (every rule a row decides alone); text as exported, null for NULL. */
  checkRow(raw: (string | null)[]): CheckedMetricRow | RejectProblem;
  /** The exported row as the rejects table keeps it (the row as received, as JSON). */
  rowJson(raw: (string | null)[]): string;
  /** The problem of a value-only row of a metric that turned out to be a ratio, as the row path words it. */
  ratioProblem(metric: string): RejectProblem;
}

/** The columnar load of one day (metrics or events), inside the day load's transaction. */
export interface ColumnarDayLoad {
  /** Loads one exported file of `rows` rows of the day (files arrive in export order). */
  append(file: string, rows: number): Promise<void>;
  /**
   * One exported row (its line, newline included) too long for the bulk reader: checked by
   * the row path's checks alone, so a huge value is a reject of its row, never a failed day.
   */
  appendOversize(line: string): Promise<void>;
  /** Applies the rules that need the whole day and reports what the day's files held. */
  finish(): Promise<ColumnarDayResult>;
}

/** The columnar load of one metrics day. */
export interface MetricsCsvLoad extends ColumnarDayLoad {
  /**
   * Loads the day's rows from a parquet file instead of text files: column `c<i>` holds what
   * the text export's field reads as (`columnTypes[i]`: the text, COPY's escapes included,
   * or the DOUBLE or DATE it parses to), so the checks and their results are the same. The
   * day's fingerprint term, when fingerprints are on, comes with it. Only loads that read
   * parquet themselves have it; the engine hands the others text files.
   */
  appendParquet?(day: ParquetDayFile): Promise<void>;
}

/** A day's rows as one parquet file (see MetricsCsvLoad.appendParquet). */
export interface ParquetDayFile {
  file: string;
  rows: number;
  /** With fingerprints: the day's fingerprint term, else null. */
  fingerprintTerm: string | null;
  /** No other day loads alongside (the export has one day): the load may use every thread of the store. */
  alone: boolean;
}

/** A problem found in one row: target column, rule code, reason. */
export interface RejectProblem {
  column: string;
  rule: string;
  reason: string;
}

/** A row whose columns passed their checks. */
export interface CheckedMetricRow {
  unit_id: string;
  id_type: string;
  metric_name: string;
  metric_value: number | null;
  numerator: number | null;
  denominator: number | null;
}

/** What the columnar load did; `problems` in the order the row path would have counted them. */
export interface ColumnarDayResult {
  rowsRead: number;
  rowsLoaded: number;
  /** Rows dropped because their timeuuid repeated an earlier row of the day (events; 0 for metrics). */
  duplicates: number;
  /** Sum of the rows' fingerprint terms, as text; null for an empty day. */
  fingerprintSum: string | null;
  problems: { problem: RejectProblem; n: number }[];
}

export type MetricsCsvResult = ColumnarDayResult;

/**
 * How an events target is read from the export: an exported column, or a constant (the text
 * the row path stores). `double`: a floating-point column, whose number the row path stores as
 * JavaScript's `String` writes it.
 */
export type EventsCsvSource = { column: number; double?: boolean } | { constant: string | null };

/** The exported id columns a user is built from; null `userID`: not mapped. */
export interface EventsUserIds {
  userID: number | null;
  customIDs: [idType: string, column: number][];
  /** The id columns of a floating-point or NUMERIC type, whose text the row path reads as a number. */
  numberColumns: number[];
}

/**
 * An events day exported as delimited text (COPY text format, every column read as text), and
 * the rules to apply to it. Rows whose every mapped value is in the form the row path stores
 * unchanged (names without escapes, JSON already written as JavaScript's JSON.stringify
 * writes it, a timestamp inside the day) are checked and loaded in bulk; every other row goes
 * through `checkRow`, the row path's own checks, so rule codes, reasons and stored rows match
 * the row path exactly. The timeuuid dedupe runs over the whole day (the first row in export
 * order is kept), on rows of both kinds.
 */
export interface EventsCsvSpec {
  /** Exported columns, in export order (all read as text). */
  columnCount: number;
  /** One more column follows the result columns: the row's fingerprint term (a bigint). */
  fingerprint: boolean;
  /**
   * The timestamp column and the form of its text: `timestamp` (`YYYY-MM-DD HH:MM:SS[.ffffff]`,
   * UTC, optionally with `+00`), `integer` (an integer column: UNIX seconds below 10^11, else
   * milliseconds), `number` (a floating-point or NUMERIC column: the same, with a fraction),
   * `epochMs` (a timestamp column the source writes as UNIX milliseconds) or `text` (a text
   * column, read as the row path reads its text: a number as `number`, else a timestamp).
   */
  timestamp: { column: number; text: 'timestamp' | 'integer' | 'number' | 'epochMs' | 'text' };
  /** A constant event name is already the stored name (spaces as `_`, short enough). */
  eventName: EventsCsvSource;
  /** Null: not mapped. */
  eventValue: EventsCsvSource | null;
  /** `json`: the column is a JSON type whose text may have whitespace between tokens (JavaScript writes none). */
  metadata: { column: number; json: boolean } | null;
  /**
   * Where the user comes from: one JSON column (`json`: a JSON type, as for metadata), or the
   * id columns the row path builds it from (`userID`, and `customIDs` as [id type, column] in
   * the mapping's order).
   */
  user: { column: number; json: boolean } | { ids: EventsUserIds };
  /** Null: not mapped (a random UUID per row, no dedupe). */
  timeuuid: { column: number } | null;
  /** The loaded day's bounds in the project zone, as instants: [from, to). */
  from: Date;
  to: Date;
  /**
   * The row path's checks of one exported row (text as exported, null for NULL), without the
   * dedupe: the event as the row path stores it (a random timeuuid when it has none), or its problem.
   */
  checkRow(raw: (string | null)[]): EventRecord | RejectProblem;
  /** The exported row as the rejects table keeps it (the row as received, as JSON). */
  rowJson(raw: (string | null)[]): string;
}

export interface DayLoadTarget {
  ingestion: string;
  dataset: 'events' | 'metrics';
  date: string;
  /** Id of this load; generated when absent. */
  loadId?: string;
}

export interface LedgerQuery {
  ingestion?: string;
  from?: string;
  to?: string;
}

/** Plain SQL access, used by the state module, locks and the experiment pipeline. */
export interface SqlExecutor {
  /** Runs a query with positional `$1, $2, …` parameters and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs one or more statements without results. */
  exec(sql: string): Promise<void>;
}

/** An open store's SQL side: what the state module, locks and the experiment pipeline use. */
export interface StoreConnection extends SqlExecutor {
  readonly kind: 'duckdb' | 'postgres';
  /** Runs `fn` in one transaction: all of its statements commit together or not at all. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface Store extends StoreConnection {
  /** Day loads have `metricsCsv` (the columnar metrics path). */
  readonly columnarMetrics: boolean;
  /** Day loads have `eventsCsv` (the columnar events path); absent: false. */
  readonly columnarEvents?: boolean;
  /**
   * Most day loads the columnar groups of one backfill may hold open at once, its concurrent
   * groups together (each day holds a connection until its group ends); unset: no limit of
   * the store's own.
   */
  readonly columnarGroupLimit?: number;
  /** Creates or migrates the tables (store/schema.ts); safe to call on every start. */
  migrate(): Promise<void>;
  /**
   * Opens an uncommitted load of one day (see DayLoad), after any other load of the same day
   * (in this process or, on PostgreSQL, any other) has committed or rolled back; `onWait` is
   * told who holds the day when this load has to wait.
   */
  beginDayLoad(target: DayLoadTarget, onWait?: (holder: string) => void): Promise<DayLoad>;
  /**
   * Writes the ledger entry of a day whose load failed, without touching loaded data: a day
   * that has a successful load keeps its ledger row (the attempt history records the failure).
   */
  recordDayOutcome(entry: LedgerEntry): Promise<void>;
  /** Appends to the attempt history. */
  recordAttempt(attempt: AttemptRecord): Promise<void>;
  ledger(query?: LedgerQuery): Promise<LedgerEntry[]>;
  /** The attempt history (every load, failed ones included), oldest first per day. */
  attempts(query?: LedgerQuery): Promise<AttemptRecord[]>;
}
