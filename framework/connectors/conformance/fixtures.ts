/**
 * The data every backend loads for the conformance suite, and what the connector must hand
 * back for it. Expected values are derived from the fixtures here, never typed in twice.
 */
import { dayBounds, dayOf, parseZone, type Zone } from '../../util/time.js';
import type { DayFilter, LogicalType, Row, RowValue } from '../types.js';
import type { FixtureColumn, FixtureValue } from './harness.js';

/** The seeds' default zone: days are PST (fixed UTC-8) days. */
export const PST: Zone = parseZone('PST')!;

/** One column per value type the contract normalizes. */
export const VALUE_COLUMNS: FixtureColumn[] = [
  { name: 'id', type: 'integer' },
  { name: 's', type: 'string' },
  { name: 'd', type: 'double' },
  { name: 'big', type: 'integer' },
  { name: 'day', type: 'date' },
  { name: 'ts', type: 'timestamp' },
  { name: 'tstz', type: 'timestamptz' },
  { name: 'flag', type: 'boolean' },
  { name: 'doc', type: 'json' },
];

/** Edge values per type: 2^53+1, ±(2^63-1), NaN, ±Infinity, pre-1970 and 2038 instants, quotes, NULLs. */
export const VALUE_ROWS: FixtureValue[][] = [
  [
    1,
    'hello',
    1.5,
    9007199254740993n,
    '2024-03-01',
    new Date('2024-03-01T12:34:56.789Z'),
    new Date('2024-03-01T12:34:56.789Z'),
    true,
    { a: 1, b: [1, 2] },
  ],
  [
    2,
    'ünïcødé "quoted"\nline',
    Number.NaN,
    -9223372036854775807n,
    '1999-12-31',
    new Date('1999-12-31T23:59:59Z'),
    new Date('2000-01-01T07:59:59.001Z'),
    false,
    [1, 'x', null],
  ],
  [
    3,
    '',
    Number.POSITIVE_INFINITY,
    9223372036854775807n,
    '2038-01-19',
    new Date('2038-01-19T03:14:08Z'),
    new Date('1970-01-01T00:00:00Z'),
    true,
    { nested: { deep: 'yes' } },
  ],
  [
    4,
    "it's",
    Number.NEGATIVE_INFINITY,
    42,
    '1970-01-01',
    new Date('1970-01-01T00:00:00.5Z'),
    new Date('2024-02-29T23:00:00Z'),
    false,
    {},
  ],
  [5, null, null, null, null, null, null, null, null],
];

/** What the connector must return for a fixture value of the given column type. */
export function expectedValue(value: FixtureValue, type: FixtureColumn['type']): RowValue {
  if (value === null) return null;
  if (type === 'integer') {
    const big = BigInt(value as bigint | number);
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }
  return value;
}

/** Logical types `describe` must report for the value columns (a zoned timestamp is a `timestamp`). */
export const VALUE_LOGICAL_TYPES: Record<string, LogicalType> = Object.fromEntries(
  VALUE_COLUMNS.map((c) => [c.name, c.type === 'timestamptz' ? 'timestamp' : c.type]),
);

/** Day used by the DayFilter fixtures; its PST bounds are 08:00Z to 08:00Z next day. */
export const FILTER_DAY = '2024-03-10';
export const EMPTY_DAY = '2024-01-01';

/** The same instant as a date, timestamps with and without zone, and epoch seconds/millis. */
export const DAY_COLUMNS: FixtureColumn[] = [
  { name: 'id', type: 'integer' },
  { name: 'date', type: 'date' },
  { name: 'ts', type: 'timestamp' },
  { name: 'tstz', type: 'timestamptz' },
  { name: 'epoch_s', type: 'integer' },
  { name: 'epoch_ms', type: 'integer' },
  { name: 'v', type: 'string' },
  { name: 'day_text', type: 'string' },
  { name: 'ts_text', type: 'string' },
];

/** Instants straddling the PST day boundaries around FILTER_DAY. */
const DAY_INSTANTS = [
  '2024-03-09T12:00:00Z',
  '2024-03-10T07:59:59Z', // still 2024-03-09 in PST
  '2024-03-10T08:00:00Z', // first second of 2024-03-10 in PST
  '2024-03-10T20:00:00Z',
  '2024-03-10T20:00:00Z', // a duplicate row: counts must see both
  '2024-03-11T07:59:59Z', // last second of 2024-03-10 in PST
  '2024-03-11T08:00:00Z', // 2024-03-11 in PST
  '2024-03-12T01:00:00Z',
];

/** Rows of the DayFilter fixture: each instant in every representation, `date` its PST day. */
export function dayRows(): FixtureValue[][] {
  return DAY_INSTANTS.map((iso, index) => {
    const at = new Date(iso);
    const seconds = Math.floor(at.getTime() / 1000);
    const day = dayOf(at, PST);
    // ISO text with a zone, as `to_char(ts, 'YYYY-MM-DD"T"HH24:MI:SS"Z"')` gives it.
    return [index + 1, day, at, at, seconds, seconds * 1000, `v${index + 1}`, day, `${iso.slice(0, 19)}Z`];
  });
}

/** The same rows with one value changed on FILTER_DAY: fingerprints must notice. */
export function changedDayRows(): FixtureValue[][] {
  return dayRows().map((row) => (row[0] === 4 ? [...row.slice(0, 6), 'changed', ...row.slice(7)] : row));
}

/** A DayFilter for `day` on `column`, with the PST bounds the engine would pass. */
export function filterFor(
  column: string,
  columnType: LogicalType,
  day: string,
  textAs?: DayFilter['textAs'],
): DayFilter {
  return { column, columnType, day, ...dayBounds(day, PST), ...(textAs ? { textAs } : {}) };
}

/** Ids of the fixture rows that belong to `day` (by PST day of their instant). */
export function expectedIdsOn(day: string): number[] {
  return dayRows()
    .filter((row) => row[1] === day)
    .map((row) => row[0] as number);
}

/** Reads an integer column value as a JS number (connectors may return number or bigint). */
export function asNumber(value: RowValue): number {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return value;
  throw new Error(`Expected an integer, got ${typeof value}: ${String(value)}`);
}

/**
 * A row's value by column name, ignoring case: warehouses differ in how they case unquoted
 * names (Snowflake upper-cases them), and the suite checks values, not casing.
 */
export function field(row: Row, name: string): RowValue {
  if (name in row) return row[name]!;
  const key = Object.keys(row).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  if (key === undefined)
    throw new Error(`Column '${name}' is missing from row with columns ${Object.keys(row).join(', ')}`);
  return row[key]!;
}

/** Sorted ids of a set of rows (column `id`). */
export function idsOf(rows: Row[]): number[] {
  return rows.map((row) => asNumber(field(row, 'id'))).sort((a, b) => a - b);
}
