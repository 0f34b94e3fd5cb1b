/**
 * The datasets bench/ingest.ts measures, one case each: how the bench table is created in
 * PostgreSQL, the query `psql \copy` and Wharf both read, the mapping Wharf loads it with,
 * and the ratio target. A new case is one more entry.
 */
import type { MappingConfig } from '../framework/config/types.js';

export interface BenchCase {
  dataset: 'metrics' | 'events';
  /** Statements creating the bench table of `rows` rows over `days` days from `from`. */
  create(rows: number, days: number, from: string): string[];
  query: string;
  mapping(from: string): MappingConfig;
  /** Highest ratio of Wharf's time to `\copy`'s that meets the target. */
  target: number;
}

const metrics: BenchCase = {
  dataset: 'metrics',
  create: (rows, days, from) => [
    `CREATE TABLE bench_metrics AS
    SELECT 'u' || (i % 1000003) AS unit_id,
           CASE WHEN i % 7 = 0 THEN 'stable_id' ELSE 'user_id' END AS id_type,
           DATE '${from}' + (i % ${days}) AS ds,
           'metric_' || (i % 20) AS metric,
           (i % 10007) / 7.0::float8 AS value
    FROM generate_series(1, ${rows}) AS s(i)`,
    'CREATE INDEX ON bench_metrics (ds)',
    'VACUUM ANALYZE bench_metrics',
  ],
  query: 'SELECT unit_id, id_type, ds, metric, value FROM bench_metrics',
  mapping: (from) => ({
    name: 'bench', dataset: 'metrics', source: 'bench', sql: './bench.sql', schedule: 'daily', startDate: from,
    columns: { unit_id: 'unit_id', id_type: 'id_type', date: 'ds', metric_name: 'metric', metric_value: 'value' },
  }),
  target: 2.0,
};

/**
 * Realistic events, about 200 bytes a row as `\copy` writes them, in time order over the
 * days (PST: each day starts at 08:00 UTC): a TIMESTAMPTZ with microseconds, one of 50
 * names, a value on two rows of three, a metadata object and a user JSON (userID and two
 * customIDs) as text, and a timeuuid.
 */
const events: BenchCase = {
  dataset: 'events',
  create: (rows, days, from) => [
    `CREATE TABLE bench_events AS
    SELECT TIMESTAMPTZ '${from} 08:00:00+00' + ((i - 1) * ${(days * 86_400) / rows}) * INTERVAL '1 second' AS ts,
           'event_' || (i % 50) AS event_name,
           CASE WHEN i % 3 = 0 THEN NULL ELSE 'value_' || (i % 1000) END AS event_value,
           '{"page":"/products/' || (i % 5003) || '","referrer":"search","plan":"pro"}' AS metadata,
           '{"userID":"user_' || (i % 1000003) || '","customIDs":{"stableID":"' || substr(md5(CAST(i % 1000003 AS TEXT)), 1, 16) || '","companyID":"c' || (i % 997) || '"}}' AS "user",
           CAST(CAST(md5(CAST(i AS TEXT)) AS UUID) AS TEXT) AS timeuuid
    FROM generate_series(1, ${rows}) AS s(i)`,
    'CREATE INDEX ON bench_events (ts)',
    'VACUUM ANALYZE bench_events',
  ],
  query: 'SELECT ts, event_name, event_value, metadata, "user", timeuuid FROM bench_events',
  mapping: (from) => ({
    name: 'bench', dataset: 'events', source: 'bench', sql: './bench.sql', schedule: 'daily', startDate: from,
    columns: { timestamp: 'ts', event_name: 'event_name', event_value: 'event_value', event_metadata: 'metadata', user: 'user', timeuuid: 'timeuuid' },
  }),
  target: 1.5,
};

const CASES: Record<string, BenchCase> = { metrics, events };

export function benchCase(dataset: string): BenchCase {
  const found = CASES[dataset];
  if (!found) throw new Error(`--dataset must be one of ${Object.keys(CASES).join(', ')}, got '${dataset}'`);
  return found;
}
