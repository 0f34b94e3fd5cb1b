/**
 * The store's tables, shared by every store backend and by the experiment pipeline, which
 * queries `events` and `metrics` directly. Column names follow the seed contract; `ingestion`
 * and the load metadata are Wharf's. Table and column names here are a public interface:
 * users query these tables.
 *
 * Quoting: `timestamp`, `user` and `date` are quoted in SQL (`"user"` is reserved in PostgreSQL).
 */

/** Bumped with every change to the tables below; stores migrate one version at a time. */
export const STORE_FORMAT_VERSION = 6;

export const TABLES = {
  events: 'events',
  metrics: 'metrics',
  rejects: 'rejects',
  ledger: 'ledger',
  attempts: 'attempts',
} as const;

/**
 * The DuckDB store writes `events` and `metrics` rows into these tables, where each row's
 * ingestion is a number from `ingestion_ids` (name → id) instead of its name: DuckDB computes
 * statistics of every string it stores, twice, and the name repeated on every row was about a
 * tenth of a metrics load's CPU. `events` and `metrics` are views that join the name back, so
 * queries (users', the experiment pipeline's) read them as before; writes go to these tables.
 * The PostgreSQL store keeps `events` and `metrics` as tables with the name.
 */
export const DUCKDB_ROWS = {
  events: 'event_rows',
  metrics: 'metric_rows',
  ingestionIds: 'ingestion_ids',
} as const;

/** A mapped, validated `events` row as it is stored. */
export interface EventRecord {
  ingestion: string;
  /** The event's day in the project's zone (PST by default). */
  day: string;
  /** The event time, UTC. */
  timestamp: Date;
  /** Under 128 characters, spaces replaced by `_`. */
  event_name: string;
  event_value: string | null;
  /** JSON object of strings, serialized. */
  event_metadata: string | null;
  /** The user JSON (`userID` and/or `customIDs`), serialized. */
  user: string;
  /** `user.userID`, extracted so pipelines can join on it. */
  user_id: string | null;
  /** `user.customIDs` serialized, or null. */
  custom_ids: string | null;
  timeuuid: string;
}

/** A mapped, validated `metrics` row as it is stored. */
export interface MetricRecord {
  ingestion: string;
  /** The metric's date, as given by the source. */
  date: string;
  unit_id: string;
  id_type: string;
  metric_name: string;
  metric_value: number | null;
  numerator: number | null;
  denominator: number | null;
}

/** A row that broke the contract, kept with the reason. */
export interface RejectRecord {
  ingestion: string;
  date: string;
  /** The row as received from the source, serialized as JSON. */
  row: string;
  /** The target column the rule applies to. */
  column: string;
  /** Stable rule code, e.g. `event_name.too_long`. */
  rule: string;
  /** Human-readable reason, with the offending value. */
  reason: string;
}
