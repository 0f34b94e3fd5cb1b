/**
 * The store's DDL, one list of statements per format version step, written once for both
 * dialects (DuckDB and PostgreSQL differ only in a few type names and in indexes, which the
 * DuckDB store does without: its zone maps serve day-range scans and indexes slow appends).
 */
import { DUCKDB_ROWS, TABLES } from './schema.js';

export type Dialect = 'duckdb' | 'postgres';

/** Columns shared by the ledger and the attempt history. */
function ledgerColumns(d: Dialect): string {
  return `ingestion VARCHAR NOT NULL,
  "date" DATE NOT NULL,
  status VARCHAR NOT NULL,
  error_class VARCHAR,
  error_message VARCHAR,
  rows_loaded BIGINT NOT NULL,
  rows_rejected BIGINT NOT NULL,
  reject_reasons VARCHAR NOT NULL,
  source_row_count BIGINT,
  source_fingerprint VARCHAR,
  config_hash VARCHAR NOT NULL,
  commit_sha VARCHAR,
  "trigger" VARCHAR NOT NULL,
  started_at ${ts(d)} NOT NULL,
  finished_at ${ts(d)} NOT NULL,
  first_loaded_at ${ts(d)},
  load_id VARCHAR NOT NULL`;
}

const ts = (_d: Dialect) => 'TIMESTAMP';
/**
 * DuckDB: unit ids, and the events columns that are mostly distinct from row to row (JSON,
 * ids; timeuuids until they were stored as they are, below), gain little from the default
 * string compression, which was the largest single CPU cost of a metrics load and about a
 * sixth of an events load; zstd is cheaper to write (for a somewhat larger unit_id column; on
 * realistic events the file is smaller).
 */
const zstd = (d: Dialect) => (d === 'duckdb' ? ' USING COMPRESSION zstd' : '');
/**
 * DuckDB: timeuuids are random (the hex of a UUID, or the source's own ids), so zstd finds no
 * repeats to take out and only codes the characters, to about half their size. Written as they
 * are, an events load's insert costs ~12% less CPU and the day's dedupe reads them faster, for
 * a store file about a fifth larger (docs/engine-measurements.md).
 */
const plain = (d: Dialect) => (d === 'duckdb' ? ' USING COMPRESSION uncompressed' : '');
const dbl = (d: Dialect) => (d === 'duckdb' ? 'DOUBLE' : 'DOUBLE PRECISION');

/** Format version 0 → 1: the data, rejects, ledger and attempt tables. */
function version1(d: Dialect): string[] {
  const statements = [
    `CREATE TABLE IF NOT EXISTS ${TABLES.events} (
  ingestion VARCHAR NOT NULL,
  day DATE NOT NULL,
  "timestamp" ${ts(d)} NOT NULL,
  event_name VARCHAR NOT NULL,
  event_value VARCHAR,
  event_metadata VARCHAR${zstd(d)},
  "user" VARCHAR NOT NULL${zstd(d)},
  user_id VARCHAR${zstd(d)},
  custom_ids VARCHAR${zstd(d)},
  timeuuid VARCHAR NOT NULL${plain(d)},
  load_id VARCHAR NOT NULL
)`,
    `CREATE TABLE IF NOT EXISTS ${TABLES.metrics} (
  ingestion VARCHAR NOT NULL,
  "date" DATE NOT NULL,
  unit_id VARCHAR NOT NULL${zstd(d)},
  id_type VARCHAR NOT NULL,
  metric_name VARCHAR NOT NULL,
  metric_value ${dbl(d)},
  numerator ${dbl(d)},
  denominator ${dbl(d)},
  load_id VARCHAR NOT NULL
)`,
    `CREATE TABLE IF NOT EXISTS ${TABLES.rejects} (
  ingestion VARCHAR NOT NULL,
  "date" DATE NOT NULL,
  "row" VARCHAR NOT NULL,
  "column" VARCHAR NOT NULL,
  rule VARCHAR NOT NULL,
  reason VARCHAR NOT NULL,
  load_id VARCHAR NOT NULL
)`,
    `CREATE TABLE IF NOT EXISTS ${TABLES.ledger} (
  ${ledgerColumns(d)}${d === 'postgres' ? ',\n  PRIMARY KEY (ingestion, "date")' : ''}
)`,
    `CREATE TABLE IF NOT EXISTS ${TABLES.attempts} (
  ${ledgerColumns(d)}
)`,
  ];
  if (d === 'postgres') {
    statements.push(
      `CREATE INDEX IF NOT EXISTS events_ingestion_day ON ${TABLES.events} (ingestion, day)`,
      `CREATE INDEX IF NOT EXISTS metrics_ingestion_date ON ${TABLES.metrics} (ingestion, "date")`,
      `CREATE INDEX IF NOT EXISTS rejects_ingestion_date ON ${TABLES.rejects} (ingestion, "date")`,
      `CREATE INDEX IF NOT EXISTS attempts_ingestion_date ON ${TABLES.attempts} (ingestion, "date")`,
    );
  }
  return statements;
}

/**
 * Format version 1 → 2: `events` and `metrics` rows lose their `load_id`. A load replaces a
 * whole day, so every row of a day belongs to the ledger's load of that day; writing the id
 * into every row was a constant string column the load paid for on every row.
 */
function version2(_d: Dialect): string[] {
  return [`ALTER TABLE ${TABLES.events} DROP COLUMN load_id`, `ALTER TABLE ${TABLES.metrics} DROP COLUMN load_id`];
}

/**
 * Format version 2 → 3: the ledger and the attempt history keep the duplicate timeuuid rows a
 * load dropped. Rows written before this version get NULL: the count was not kept, so it is
 * unknown (0 would claim that nothing was dropped).
 */
function version3(_d: Dialect): string[] {
  return [
    `ALTER TABLE ${TABLES.ledger} ADD COLUMN duplicates BIGINT`,
    `ALTER TABLE ${TABLES.attempts} ADD COLUMN duplicates BIGINT`,
  ];
}

/**
 * Format version 3 → 4 (PostgreSQL; nothing on DuckDB): `events` and `metrics` are indexed
 * by a BRIN index on (ingestion, day) instead of a B-tree. A day's rows go in as one COPY
 * stream, so they lie together in the table's pages, and a BRIN index (the min and max of a
 * range of 128 pages, like DuckDB's zone maps) finds them for the day's delete and for reads
 * by day, while a load costs next to nothing to index: keeping the B-tree up to date doubled
 * PostgreSQL's CPU time of a load's COPY (3 million metrics rows: 6.0 CPU-seconds, 3.0-3.1
 * with BRIN, 2.5 without an index). `autosummarize` has autovacuum summarize each range once
 * it fills. docs/engine.md (The store) says what it gives up.
 */
function version4(d: Dialect): string[] {
  if (d !== 'postgres') return [];
  return [
    `DROP INDEX IF EXISTS events_ingestion_day`,
    `DROP INDEX IF EXISTS metrics_ingestion_date`,
    `CREATE INDEX IF NOT EXISTS events_ingestion_day_brin ON ${TABLES.events}
       USING brin (ingestion, day) WITH (autosummarize = on)`,
    `CREATE INDEX IF NOT EXISTS metrics_ingestion_date_brin ON ${TABLES.metrics}
       USING brin (ingestion, "date") WITH (autosummarize = on)`,
  ];
}

/**
 * Format version 4 → 5: a failed day keeps what to do about it (the error's hint, secrets
 * redacted) next to its message, so status reports, `ingest status`, the agent's page and
 * notifications can say it after the load that knew it has ended. Earlier rows have none.
 */
function version5(_d: Dialect): string[] {
  return [
    `ALTER TABLE ${TABLES.ledger} ADD COLUMN error_hint VARCHAR`,
    `ALTER TABLE ${TABLES.attempts} ADD COLUMN error_hint VARCHAR`,
  ];
}

/** The stored columns of `events` and `metrics` after their ingestion, with their DuckDB types. */
const EVENT_ROW_COLUMNS = `day DATE NOT NULL,
  "timestamp" TIMESTAMP NOT NULL,
  event_name VARCHAR NOT NULL,
  event_value VARCHAR,
  event_metadata VARCHAR${zstd('duckdb')},
  "user" VARCHAR NOT NULL${zstd('duckdb')},
  user_id VARCHAR${zstd('duckdb')},
  custom_ids VARCHAR${zstd('duckdb')},
  timeuuid VARCHAR NOT NULL${plain('duckdb')}`;
const METRIC_ROW_COLUMNS = `"date" DATE NOT NULL,
  unit_id VARCHAR NOT NULL${zstd('duckdb')},
  id_type VARCHAR NOT NULL,
  metric_name VARCHAR NOT NULL,
  metric_value DOUBLE,
  numerator DOUBLE,
  denominator DOUBLE`;
const EVENT_NAMES = 'day, "timestamp", event_name, event_value, event_metadata, "user", user_id, custom_ids, timeuuid';
const METRIC_NAMES = '"date", unit_id, id_type, metric_name, metric_value, numerator, denominator';

/**
 * Format version 5 → 6 (DuckDB; nothing on PostgreSQL): rows name their ingestion by a number
 * (DUCKDB_ROWS in schema.ts says why). The rows move into `event_rows` and `metric_rows` (in
 * the compressions of the current `events`, so a store created before `timeuuid` was stored
 * uncompressed gets that too), and `events` and `metrics` become views with the same columns.
 */
function version6(d: Dialect): string[] {
  if (d !== 'duckdb') return [];
  const ids = DUCKDB_ROWS.ingestionIds;
  return [
    `CREATE TABLE ${ids} (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL UNIQUE)`,
    `INSERT INTO ${ids} SELECT CAST(row_number() OVER (ORDER BY name) AS INTEGER), name
       FROM (SELECT ingestion AS name FROM ${TABLES.events} UNION SELECT ingestion FROM ${TABLES.metrics})`,
    ...rowsUnderView(TABLES.events, DUCKDB_ROWS.events, EVENT_ROW_COLUMNS, EVENT_NAMES),
    ...rowsUnderView(TABLES.metrics, DUCKDB_ROWS.metrics, METRIC_ROW_COLUMNS, METRIC_NAMES),
  ];
}

/** Moves the rows of table `view` into `rows` (the ingestion as its number), then makes `view` a view of them. */
function rowsUnderView(view: string, rows: string, columns: string, names: string): string[] {
  const ids = DUCKDB_ROWS.ingestionIds;
  const of = (alias: string) =>
    names
      .split(', ')
      .map((n) => `${alias}.${n}`)
      .join(', ');
  return [
    `CREATE TABLE ${rows} (\n  ingestion_id INTEGER NOT NULL,\n  ${columns}\n)`,
    `INSERT INTO ${rows} SELECT i.id, ${of('t')} FROM ${view} t JOIN ${ids} i ON i.name = t.ingestion`,
    `DROP TABLE ${view}`,
    `CREATE VIEW ${view} AS SELECT i.name AS ingestion, ${of('r')} FROM ${rows} r JOIN ${ids} i ON i.id = r.ingestion_id`,
  ];
}

/**
 * MIGRATIONS[i] takes a store from format version i to i + 1. Append a step for every change
 * to the tables and bump STORE_FORMAT_VERSION (schema.ts) to the new length.
 */
export const MIGRATIONS: ReadonlyArray<(dialect: Dialect) => string[]> = [
  version1,
  version2,
  version3,
  version4,
  version5,
  version6,
];

/** The table holding the store's format version (key `format_version`). */
export const META_DDL = 'CREATE TABLE IF NOT EXISTS wharf_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)';
