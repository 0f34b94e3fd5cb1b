/**
 * The state's own tables in the store, all prefixed `state_`. They hold the applied config,
 * the serial and lineage, the apply lock and the queue of data actions waiting to run. The
 * same statements run on DuckDB and PostgreSQL.
 */

/** Bumped when the state tables change; a store with a newer version is refused. */
export const STATE_TABLES_VERSION = 1;

export const STATE_TABLES = {
  head: 'state_head',
  ingestions: 'state_ingestions',
  locks: 'state_locks',
  dataActions: 'state_data_actions',
} as const;

export const STATE_DDL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS ${STATE_TABLES.head} (
  id INTEGER PRIMARY KEY,
  format_version INTEGER NOT NULL,
  serial BIGINT NOT NULL,
  lineage VARCHAR NOT NULL,
  updated_at TIMESTAMP NOT NULL
)`,
  `CREATE TABLE IF NOT EXISTS ${STATE_TABLES.ingestions} (
  name VARCHAR PRIMARY KEY,
  config VARCHAR NOT NULL,
  hash VARCHAR NOT NULL,
  applied_serial BIGINT NOT NULL
)`,
  `CREATE TABLE IF NOT EXISTS ${STATE_TABLES.locks} (
  name VARCHAR PRIMARY KEY,
  holder_id VARCHAR NOT NULL,
  host VARCHAR NOT NULL,
  pid INTEGER NOT NULL,
  since TIMESTAMP NOT NULL,
  operation VARCHAR NOT NULL
)`,
  `CREATE TABLE IF NOT EXISTS ${STATE_TABLES.dataActions} (
  id VARCHAR PRIMARY KEY,
  position INTEGER NOT NULL,
  ingestion VARCHAR NOT NULL,
  kind VARCHAR NOT NULL,
  from_date DATE,
  to_date DATE,
  "trigger" VARCHAR NOT NULL,
  status VARCHAR NOT NULL,
  state_serial BIGINT NOT NULL,
  reason VARCHAR NOT NULL,
  error VARCHAR,
  created_at TIMESTAMP NOT NULL,
  finished_at TIMESTAMP
)`,
];
