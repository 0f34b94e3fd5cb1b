/**
 * One small warehouse, loaded into the DuckDB behind each protocol fake, with the value types
 * the connector contract normalizes (strings, doubles with NaN/±Infinity, 64-bit integers,
 * dates, timestamps with and without zone, booleans, JSON, NULLs) over three PST days, plus a
 * signals table. Tests compare what a connector returns with `expectedEvents(day)`.
 */
import type { DayFilter, QuerySpec, Row } from '../../framework/connectors/types.js';
import { dayBounds, zoneOrThrow } from '../../framework/util/time.js';

export const FIXTURE_DAYS = ['2024-03-01', '2024-03-02', '2024-03-03'];
const PST = zoneOrThrow('PST');

/** Rows of one day: 3 + index rows, timestamps spread over the PST day. */
export function expectedEvents(day: string): Row[] {
  const index = FIXTURE_DAYS.indexOf(day);
  const { fromUtc } = dayBounds(day, PST);
  const doubles = [1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0.25];
  return Array.from({ length: 3 + index }, (_, i) => ({
    ts: new Date(fromUtc.getTime() + i * 3_600_000 * 4 + 500),
    event_name: `event_${i}`,
    big: 9007199254740993n + BigInt(index * 10 + i),
    small: i,
    dbl: doubles[i % doubles.length],
    flag: i % 2 === 0,
    d: day,
    tstz: new Date(Date.UTC(2024, 0, 1 + i, 12, 0, 0)),
    payload: JSON.stringify({ k: `v${i}`, n: i }),
    maybe: i === 1 ? null : `m${i}`,
  }));
}

function sqlValue(value: unknown): string {
  if (value === null) return 'NULL';
  if (value instanceof Date) return `'${value.toISOString()}'`;
  if (typeof value === 'number' && !Number.isFinite(value))
    return `'${Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity'}'`;
  if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
  return String(value);
}

/** DuckDB statements creating `<schema>.events` and `<schema>.signals`. */
export function fixtureSql(schema: string): string[] {
  const values = FIXTURE_DAYS.flatMap(expectedEvents).map(
    (r) =>
      `(CAST(replace(${sqlValue(r.ts)}, 'Z', '') AS TIMESTAMP), ${sqlValue(r.event_name)}, CAST(${sqlValue(r.big)} AS BIGINT), CAST(${sqlValue(r.small)} AS INTEGER), CAST(${sqlValue(r.dbl)} AS DOUBLE), ${sqlValue(r.flag)}, CAST(${sqlValue(r.d)} AS DATE), CAST(${sqlValue(r.tstz)} AS TIMESTAMPTZ), CAST(${sqlValue(r.payload)} AS JSON), ${sqlValue(r.maybe)})`,
  );
  return [
    `CREATE SCHEMA IF NOT EXISTS ${schema}`,
    `CREATE TABLE ${schema}.events (ts TIMESTAMP, event_name VARCHAR, big BIGINT, small INTEGER, dbl DOUBLE, flag BOOLEAN, d DATE, tstz TIMESTAMPTZ, payload JSON, maybe VARCHAR)`,
    `INSERT INTO ${schema}.events VALUES ${values.join(', ')}`,
    `CREATE TABLE ${schema}.signals (finished_date DATE)`,
    `INSERT INTO ${schema}.signals VALUES (DATE '2024-03-01'), (DATE '2024-03-03')`,
  ];
}

export const fixtureQuery = (table: string): QuerySpec => ({
  mapping: 'fixture_events',
  sqlFile: 'mappings/fixture_events.sql',
  sql: `SELECT ts, event_name, big, small, dbl, flag, d, tstz, payload, maybe FROM ${table};\n`,
  dataset: 'events',
});

export function timestampFilter(day: string, column = 'ts'): DayFilter {
  return { column, columnType: 'timestamp', day, ...dayBounds(day, PST) };
}

export function dateFilter(day: string, column = 'd'): DayFilter {
  return { column, columnType: 'date', day, ...dayBounds(day, PST) };
}

/** Rows sorted by event_name, for order-independent comparison. */
export function sortRows(rows: Row[]): Row[] {
  return [...rows].sort((a, b) => String(a.event_name).localeCompare(String(b.event_name)));
}
