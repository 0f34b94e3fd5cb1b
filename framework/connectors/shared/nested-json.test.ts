/**
 * Nested DuckDB columns in the DuckDB-run sources' text export: which type names travel as
 * JSON (isJsonExactNested, over the names DuckDB itself writes), and, for those that do, that
 * the exported text parsed back (parseRow) equals the row path's value, DuckDB's own
 * conversion of the same rows (SOURCE_VALUE_CONVERTER), over rows of awkward strings, NULLs
 * at every level and empty lists and maps.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDB, type DuckDBHandle } from '../../util/duckdb.js';
import { SOURCE_VALUE_CONVERTER } from '../../util/duckdb-values.js';
import type { ColumnInfo } from '../types.js';
import { duckdbTextColumns, exportSelect } from './duckdb-columnar.js';
import { isJsonExactNested } from './nested-json-sql.js';
import { unescapeCopyText } from './text-export.js';
import { QUERY_ALIAS } from './sql-dialect.js';

/** Pieces of the test strings: JSON's and COPY's special characters, non-ASCII, separators. */
const PIECES = [
  'a',
  '"',
  '\\',
  'chr(1)',
  'chr(9)',
  'chr(10)',
  'chr(13)',
  'é',
  '😀',
  '\u2028',
  '/',
  '{}',
  ':,',
  '[',
  'null',
];
const piece = (i: string, salt: number) =>
  `list_element([${PIECES.map((p) => (p.startsWith('chr') ? p : `'${p.replace(/'/g, "''")}'`)).join(', ')}], CAST(hash(${i}, ${salt}) % ${PIECES.length} AS INTEGER) + 1)`;
/** A string of three pieces, NULL for one row in eleven. */
const text = (salt: number) =>
  `CASE WHEN hash(i, ${salt}) % 11 = 0 THEN NULL ELSE ${piece('i', salt)} || ${piece('i', salt + 1)} || ${piece('i', salt + 2)} END`;

/** Expressions over `i` (named), and whether their type travels as JSON. */
const CASES: [name: string, sql: string, exact: boolean][] = [
  [
    'a map, some empty',
    `CASE WHEN i % 5 = 0 THEN MAP {} ELSE MAP {coalesce(${text(1)}, 'k'): ${text(2)}, 'x' || i: ${text(3)}} END`,
    true,
  ],
  ['a user', `{'userID': ${text(4)}, 'customIDs': MAP {'stableID': ${text(5)}}}`, true],
  [
    'a struct, some NULL',
    `CASE WHEN i % 7 = 0 THEN NULL ELSE {'we ird': CAST(i AS INTEGER), 'a"b': ${text(6)}, 'ok': i % 2 = 0} END`,
    true,
  ],
  ['a list', `[${text(7)}, NULL, ${text(8)}]`, true],
  ['lists of structs', `CASE WHEN i % 3 = 0 THEN [] ELSE [[{'x': ${text(9)}, 'n': CAST(i AS SMALLINT)}]] END`, true],
  ['an array', `array_value(${text(10)}, 'b')`, true],
  ['a map of integer keys', `MAP {CAST(i AS INTEGER): ${text(11)}}`, true],
  ['a list of JSON', `[CAST('{"a": [1, "x"]}' AS JSON), NULL]`, true],
  [
    'timestamp members of every precision, BC, beyond 9999 and a Date, infinite',
    `{'t': TIMESTAMPTZ '2026-10-05 09:00:00+00' + i * INTERVAL 1 SECOND,
      'u': CASE i % 6 WHEN 0 THEN make_timestamp(CAST(hash(i) % 200000000000000000 AS BIGINT) - 100000000000000000)
        WHEN 1 THEN TIMESTAMP '1969-12-31 23:59:59.9995' - CAST(i AS INTEGER) * INTERVAL 1 MICROSECOND
        WHEN 2 THEN CAST('0000-03-01 10:00:00.123456' AS TIMESTAMP) WHEN 3 THEN CAST('-infinity' AS TIMESTAMP)
        WHEN 4 THEN CAST('275760-09-13 00:00:00.001' AS TIMESTAMP) END,
      'n': TIMESTAMP_NS '1969-12-31 23:59:59.999999999' + CAST(i - 300 AS INTEGER) * INTERVAL 1 MICROSECOND,
      'ms': CASE WHEN i % 2 = 0 THEN CAST(TIMESTAMP '2026-10-05 09:00:00.5' AS TIMESTAMP_MS)
        ELSE CAST(CAST('290000-01-01 00:00:00.12' AS TIMESTAMP) AS TIMESTAMP_MS) END,
      's': CASE WHEN i % 2 = 0 THEN CAST(TIMESTAMP '2026-10-05 09:00:00' AS TIMESTAMP_S)
        ELSE CAST(CAST('290000-01-01 00:00:00' AS TIMESTAMP) AS TIMESTAMP_S) END,
      'z': CASE WHEN i % 3 = 0 THEN CAST('294246-01-10 04:00:54.775806+00' AS TIMESTAMPTZ)
        WHEN i % 3 = 1 THEN CAST('infinity' AS TIMESTAMPTZ) END}`,
    true,
  ],
  [
    'lists and maps of timestamps',
    `CASE WHEN i % 4 = 0 THEN NULL ELSE [{'at': [TIMESTAMP '2026-10-05 09:00:00.25' + i * INTERVAL 1 HOUR, NULL],
      'by': MAP {'k' || i % 3: TIMESTAMPTZ '2026-10-05 09:00:00+00'}}] END`,
    true,
  ],
  ['a map of timestamp keys', `MAP {TIMESTAMP '2026-10-05 09:00:00' + i * INTERVAL 1 SECOND: 'x'}`, false],
  [
    'double and float members: fractions, whole, huge, tiny, -0, NaN, the infinities',
    `{'d': CASE i % 8 WHEN 0 THEN (hash(i) % 1000000007) / (hash(i, 2) % 997 + 1) * pow(10, CAST(hash(i, 3) % 600 AS INTEGER) - 300)
        WHEN 1 THEN CAST(i AS DOUBLE) * 1e14 WHEN 2 THEN -0.0 WHEN 3 THEN 'nan' WHEN 4 THEN 'inf' WHEN 5 THEN '-inf'
        WHEN 6 THEN 5e-324 ELSE i / 3 END,
      'f': CAST(i / 7 AS FLOAT), 'l': [CAST('nan' AS FLOAT), 1e21, NULL, 0.9876543210987654, -12.98765432109876],
      'b': CAST(9007199254740993 AS BIGINT),
      's': CASE WHEN i % 2 = 0 THEN 'NaN' ELSE '-Infinity 12345678901234567' END}`,
    true,
  ],
  ['a map of doubles', `MAP {'a': CAST(i AS DOUBLE)}`, true],
  ['a map of double keys', `MAP {CAST(i AS DOUBLE) / 2: 'x'}`, false],
  [
    'wide integer members, about 2^53 and beyond',
    `{'b': CASE i % 4 WHEN 0 THEN CAST(i AS BIGINT) WHEN 1 THEN -CAST(hash(i) >> 1 AS BIGINT)
       WHEN 2 THEN 9007199254740989 + i % 5 ELSE CAST(hash(i) >> 1 AS BIGINT) END,
      'h': CAST(hash(i) AS HUGEINT) * -1000, 'u': CASE WHEN i % 2 = 0 THEN hash(i) END, 's': ${text(13)}}`,
    true,
  ],
  [
    'date members and keys, BC, beyond 9999 and infinite',
    `{'d': CASE i % 5 WHEN 0 THEN DATE '1970-01-01' + CAST(i * 7919 % 3000000 - 1500000 AS INTEGER)
       WHEN 1 THEN CAST('0000-01-01' AS DATE) + CAST(i AS INTEGER) WHEN 2 THEN CAST('infinity' AS DATE)
       WHEN 3 THEN CAST('-infinity' AS DATE) END, 'l': [DATE '12345-06-07', CAST('0044-03-15 (BC)' AS DATE)]}`,
    true,
  ],
  ['a map of date keys', `MAP {DATE '2026-10-05' + CAST(i AS INTEGER): i % 2 = 0}`, true],
  ['a map of wide integer keys', `MAP {hash(i): [CAST(i AS BIGINT) * 1000000000000, NULL]}`, true],
  [
    'decimal members: narrow and wide, fractions, whole ones past 2^53',
    `{'m': CAST(i AS DECIMAL(10, 2)) / 7, 'p': CAST(i % 1000 - 500 AS DECIMAL(4, 1)),
      'r': CAST((hash(i) % 2000000000001) / 1000.0 - 1e9 AS DECIMAL(18, 3)),
      'w': CASE WHEN i % 3 = 0 THEN NULL ELSE CAST(CAST(hash(i) AS HUGEINT) * -12345 AS DECIMAL(38, 0)) END,
      'f': CAST(substr(CAST(hash(i) AS VARCHAR) || CAST(hash(i, 2) AS VARCHAR), 1, CAST(hash(i, 4) % 28 AS INTEGER) + 1)
        || '.' || CAST(hash(i, 5) % 10000000000 AS VARCHAR) AS DECIMAL(38, 10)),
      'l': [CAST(0.1 AS DECIMAL(2, 1)), NULL, CAST(9007199254740993 AS DECIMAL(17, 0))]}`,
    true,
  ],
  ['a map of decimals', `MAP {'price': CAST(i AS DECIMAL(12, 2)) / 100}`, true],
  ['a map of decimal keys', `MAP {CAST(i AS DECIMAL(10, 2)): 'x'}`, false],
  [
    'time, interval, bit, blob and uuid members',
    `{'t': CASE i % 4 WHEN 0 THEN TIME '24:00:00' WHEN 1 THEN TIME '00:00:00'
        ELSE make_time(CAST(i % 24 AS BIGINT), CAST(i % 60 AS BIGINT), (hash(i) % 60000000) / 1000000) END,
      'n': CAST('12:00:00.' || lpad(CAST(i * 7919 % 1000000000 AS VARCHAR), 9, '0') AS TIME_NS),
      'z': CAST(CAST(TIME '23:59:59.5' AS VARCHAR) || list_element(['+05:30', '-03', '+00', '-12:45:07'],
        CAST(i % 4 AS INTEGER) + 1) AS TIME WITH TIME ZONE),
      'v': CASE i % 5 WHEN 0 THEN INTERVAL 0 SECOND WHEN 1 THEN INTERVAL 1 YEAR - INTERVAL 1 MICROSECOND
        WHEN 2 THEN -INTERVAL 14 MONTH ELSE to_months(CAST(i % 30 - 15 AS INTEGER)) + to_days(CAST(i % 400 - 200 AS INTEGER))
          + to_microseconds(CAST(hash(i) % 100000000000 AS BIGINT) - 50000000000) END,
      'b': CAST(bin(i) AS BIT),
      'x': CASE WHEN i % 6 = 0 THEN NULL ELSE from_hex(md5(CAST(i AS VARCHAR))[:CAST(i % 20 AS INTEGER)])
        || encode(${text(14)}) END,
      'u': CAST(md5(CAST(i AS VARCHAR)) AS UUID)}`,
    true,
  ],
  ['a map of time keys', `MAP {TIME '10:00:00' + i * INTERVAL 1 SECOND: 'x'}`, false],
  ['a map of uuid keys', `MAP {CAST(md5(CAST(i AS VARCHAR)) AS UUID): CAST(i AS INTEGER)}`, true],
  ['a __proto__ member', `{'__proto__': 'x'}`, false],
  ['an enum', `CAST('a' AS ENUM('a', 'b'))`, false],
  [
    'enum members, lists and map keys, labels with quotes',
    `{'e': CASE WHEN i % 4 > 0 THEN CAST(list_element(['a', 'it''s', 'x "y"'], CAST(i % 3 AS INTEGER) + 1)
        AS ENUM('a', 'it''s', 'x "y"')) END,
      'l': [CAST('b' AS ENUM('a', 'b')), NULL],
      'm': MAP {CAST(list_element(['k', '1'], CAST(i % 2 AS INTEGER) + 1) AS ENUM('k', '1')): ${text(15)}}}`,
    true,
  ],
  ['a union', `union_value(s := 'x')`, false],
  ['a string', `${text(12)}`, false],
  ['an integer', `CAST(i AS INTEGER)`, false],
];
const ROWS = 600;

describe('nested columns in the DuckDB-run export', () => {
  let db: DuckDBHandle;
  beforeAll(async () => {
    db = await openDuckDB(':memory:');
  });
  afterAll(() => db.close());

  const typeOf = async (sql: string) =>
    (await db.connection.run(`SELECT ${sql} AS v FROM range(1) AS s(i)`)).columnType(0).toString();

  it.each(CASES)('%s travels as JSON: %s', async (_name, sql, exact) => {
    expect(isJsonExactNested(await typeOf(sql))).toBe(exact);
  });

  it('type names with other members, a collation or odd quoting do not', () => {
    expect(isJsonExactNested('STRUCT("a" VARCHAR, "t" TIMESTAMP WITH TIME ZONE)')).toBe(true);
    expect(isJsonExactNested('STRUCT("a" VARCHAR, "t" TIME WITH TIME ZONE)')).toBe(true);
    expect(isJsonExactNested('STRUCT("a" DECIMAL(18,3), "b" DECIMAL(38,0)[])')).toBe(true);
    expect(isJsonExactNested('STRUCT("a" DECIMAL(18))')).toBe(false);
    expect(isJsonExactNested('STRUCT("a" DECIMAL(18,3,1))')).toBe(false);
    expect(isJsonExactNested('STRUCT("a" VARCHAR, "t" TIMESTAMP WITH ZONE)')).toBe(false);
    expect(isJsonExactNested('STRUCT("a" VARCHAR COLLATE NOCASE)')).toBe(false);
    expect(isJsonExactNested(`STRUCT("e" ENUM('a', 'b''c'))`)).toBe(true);
    expect(isJsonExactNested(`STRUCT("e" ENUM('a' 'b'))`)).toBe(false);
    expect(isJsonExactNested(`STRUCT("e" ENUM('a', b))`)).toBe(false);
    expect(isJsonExactNested(`STRUCT("e" ENUM('a', 'b')`)).toBe(false);
    expect(isJsonExactNested('STRUCT(__proto__ VARCHAR)')).toBe(false);
    expect(isJsonExactNested('STRUCT("a" VARCHAR')).toBe(false);
    expect(isJsonExactNested('STRUCT("a" VARCHAR))')).toBe(false);
    expect(isJsonExactNested('STRUCT(VARCHAR)')).toBe(false);
    expect(isJsonExactNested('MAP(VARCHAR, VARCHAR)[]')).toBe(true);
    expect(isJsonExactNested('MAP(VARCHAR)[]')).toBe(false);
    expect(isJsonExactNested('STRUCT("a"" b" VARCHAR[], c MAP(VARCHAR, BOOLEAN[2]))[]')).toBe(true);
  });

  it('the row path reads a MAP as an object of its keys as text, a timestamp key as JSON writes a Date', async () => {
    const reader = await db.connection.runAndReadAll(
      `SELECT MAP {'b': 'x', '1': 'y'} AS m, MAP {7: [1, 2]} AS n, MAP {TIMESTAMP '2026-10-05 09:00:00.5': 'z'} AS t,
         CAST(NULL AS MAP(VARCHAR, VARCHAR)) AS z`,
    );
    expect(reader.convertRowObjects(SOURCE_VALUE_CONVERTER)).toEqual([
      { m: { b: 'x', 1: 'y' }, n: { 7: [1, 2] }, t: { '2026-10-05T09:00:00.500Z': 'z' }, z: null },
    ]);
  });

  it('the row path reads nested members as JSON data: timestamps as ISO text, wide integers as digits', async () => {
    const reader = await db.connection.runAndReadAll(
      `SELECT {'at': TIMESTAMP '2026-10-05 09:00:00.123456', 'tz': TIMESTAMPTZ '2026-10-05 09:00:00+00',
         'ns': TIMESTAMP_NS '2026-10-05 09:00:00.999999999', 'inf': CAST('infinity' AS TIMESTAMP),
         'd': DATE '2026-10-05', 'big': CAST(9007199254740993 AS BIGINT), 'small': CAST(-5 AS BIGINT),
         'h': CAST(170141183460469231731687303715884105727 AS HUGEINT), 'dec': CAST(1.25 AS DECIMAL(5, 2)),
         't': TIME '12:34:56', 'x': CAST('nan' AS DOUBLE)} AS s,
         [TIMESTAMP '2026-10-05 00:00:00'] AS l, MAP {DATE '2026-10-05': CAST(1 AS UBIGINT)} AS m`,
    );
    expect(reader.convertRowObjects(SOURCE_VALUE_CONVERTER)).toEqual([
      {
        s: {
          at: '2026-10-05T09:00:00.123Z',
          tz: '2026-10-05T09:00:00.000Z',
          ns: '2026-10-05T09:00:00.999Z',
          inf: 'infinity',
          d: '2026-10-05',
          big: '9007199254740993',
          small: -5,
          h: '170141183460469231731687303715884105727',
          dec: 1.25,
          t: '12:34:56',
          x: NaN,
        },
        l: ['2026-10-05T00:00:00.000Z'],
        m: { '2026-10-05': 1 },
      },
    ]);
  });

  it('TIME, INTERVAL, BIT and BLOB columns are the client text of the value on the row path', async () => {
    const reader = await db.connection.runAndReadAll(
      `SELECT TIME '12:34:56.5' AS t, CAST('01:02:03+05:30' AS TIMETZ) AS z, INTERVAL 1 DAY + INTERVAL 2 HOUR AS v,
         CAST('0101' AS BIT) AS b, from_hex('5C0041FF') AS x, CAST(NULL AS BLOB) AS n`,
    );
    expect(reader.convertRowObjects(SOURCE_VALUE_CONVERTER)).toEqual([
      { t: '12:34:56.5', z: '01:02:03+05:30', v: '1 day 02:00:00', b: '0101', x: '\\\\x00A\\xFF', n: null },
    ]);
  });

  it('TIME, INTERVAL, BIT and BLOB columns travel as that text', async () => {
    const query = `SELECT CAST(i AS INTEGER) AS i, make_time(CAST(i % 24 AS BIGINT), CAST(i % 60 AS BIGINT), (hash(i) % 60000000) / 1000000) AS t,
        CAST('12:00:00.' || lpad(CAST(i * 7919 % 1000000000 AS VARCHAR), 9, '0') AS TIME_NS) AS n,
        CAST('23:59:59.5' || list_element(['+05:30', '-03', '+00'], CAST(i % 3 AS INTEGER) + 1) AS TIMETZ) AS z,
        to_months(CAST(i % 30 - 15 AS INTEGER)) + to_microseconds(CAST(hash(i) % 100000000000 AS BIGINT) - 50000000000) AS v,
        CAST(bin(i) AS BIT) AS b,
        CASE WHEN i % 6 > 0 THEN from_hex(md5(CAST(i AS VARCHAR))[:CAST(i % 20 AS INTEGER)]) || encode(${text(15)}) END AS x
      FROM range(${ROWS}) AS s(i) ORDER BY i`;
    const described = await db.connection.run(`SELECT * FROM (${query}) LIMIT 0`);
    const columns: ColumnInfo[] = described.columnNames().map((name, c) => ({
      name,
      type: 'other',
      nativeType: described.columnType(c).toString(),
    }));
    expect(duckdbTextColumns.textColumns(columns)).toBe(true);
    const rowPath = (await db.connection.runAndReadAll(query)).convertRowObjects(SOURCE_VALUE_CONVERTER);
    const exported = await db.connection.runAndReadAll(
      `SELECT ${exportSelect(columns, false)} FROM (${query}) AS ${QUERY_ALIAS} ORDER BY i`,
    );
    const texts = exported.getRowsJS() as (string | null)[][];
    expect(texts.map((raw) => duckdbTextColumns.parseRow(columns, raw))).toEqual(rowPath);
    // Blobs with a backslash of their own (not an escape) among them.
    expect(rowPath.filter((row) => /\\(?!x[0-9A-F]{2})/.test(String(row.x))).length).toBeGreaterThan(10);
  });

  it.each(CASES.filter(([, , exact]) => exact))(
    '%s: the exported JSON reads back as the row path has it',
    async (_name, sql) => {
      const query = `SELECT i, ${sql} AS v FROM range(${ROWS}) AS s(i) ORDER BY i`;
      const described = await db.connection.run(`SELECT * FROM (${query}) LIMIT 0`);
      const columns: ColumnInfo[] = [0, 1].map((c) => ({
        name: described.columnName(c),
        type: 'json',
        nativeType: described.columnType(c).toString(),
      }));
      const reader = await db.connection.runAndReadAll(query);
      const rowPath = reader.convertRowObjects(SOURCE_VALUE_CONVERTER).map((r) => r.v);
      const exported = await db.connection.runAndReadAll(
        `SELECT ${exportSelect(columns, false)} FROM (${query}) AS ${QUERY_ALIAS} ORDER BY i`,
      );
      const texts = exported.getRowsJS() as (string | null)[][];
      expect(texts).toHaveLength(ROWS);
      const parsed = texts.map((raw) => duckdbTextColumns.parseRow(columns, raw).v);
      expect(parsed).toEqual(rowPath);
      // compactJson's promise, which spares the store taking whitespace out: none between tokens.
      expect(duckdbTextColumns.compactJson(columns[1])).toBe(true);
      const outsideStrings = texts.map(([, v]) => unescapeCopyText(v ?? '').replace(/"(?:[^"\\]|\\.)*"/g, '""'));
      expect(outsideStrings.filter((t) => /\s/.test(t))).toEqual([]);
      // Maps are objects on both sides, and the awkward strings made it through.
      expect(JSON.stringify(parsed).length).toBeGreaterThan(ROWS * 4);
    },
  );
});
