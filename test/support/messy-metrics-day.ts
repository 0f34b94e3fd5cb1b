/**
 * The messy metrics day the parity tests load through the columnar and the row path: every
 * metrics rule, values the vectorized checks hand back to the row path (odd number text,
 * multibyte names), a ratio metric revealed before and after its value-only rows, and text
 * that needs CSV quoting or escapes in COPY's text format. Seeded as SQL for PostgreSQL or
 * DuckDB (whose types differ: JSON, and DOUBLE for NUMERIC, whose DECIMAL keeps the row path).
 */
import type { MetricsMapping } from '../../framework/config/types.js';
import type { DayResult, EngineContext } from '../../framework/engine/types.js';

export const DAY = '2026-10-02';
const q = (v: string | null) => (v === null ? 'NULL' : `'${v.replace(/'/g, "''")}'`);

/** unit, id_type, date, metric, value, num, den — all as text. */
export const TEXT_ROWS: (string | null)[][] = [
  ['u1', 'user_id', DAY, 'revenue', '1.5', null, null],
  ['u2', 'stable_id', `${DAY} 13:00:00`, 'revenue', '-2e3', null, null],
  [null, 'user_id', DAY, 'revenue', '1', null, null],
  ['', 'user_id', DAY, 'revenue', '1', null, null],
  ['u3', 'User_ID', DAY, 'revenue', '1', null, null],
  ['u4', null, DAY, 'revenue', '1', null, null],
  ['u5', '', DAY, 'revenue', '1', null, null],
  ['u6', 'user_id', DAY, null, '1', null, null],
  ['u7', 'user_id', DAY, '', '1', null, null],
  ['u8', 'user_id', DAY, 'm'.repeat(127), '1', null, null],
  ['u9', 'user_id', DAY, 'm'.repeat(128), '1', null, null],
  ['u10', 'user_id', DAY, 'é'.repeat(100), '1', null, null],
  ['u11', 'user_id', DAY, 'abc', 'abc', null, null],
  ['u12', 'user_id', DAY, 'abc', 'NaN', null, null],
  ['u13', 'user_id', DAY, 'abc', '1e400', null, null],
  ['u14', 'user_id', DAY, 'abc', ' 5 ', null, null],
  ['u15', 'user_id', DAY, 'abc', '+5', null, null],
  ['u16', 'user_id', DAY, 'abc', '0x10', null, null],
  ['u17', 'user_id', DAY, 'abc', '', null, null],
  ['u18', 'user_id', DAY, 'abc', null, null, null],
  ['u19', 'user_id', DAY, 'abc', null, null, '3'],
  ['u20', 'user_id', DAY, 'abc', '7', null, '3'],
  ['u21', 'user_id', DAY, 'late', '5', null, null],
  ['u22', 'user_id', DAY, 'late', '6', null, null],
  ['u23', 'user_id', DAY, 'late', null, '1', '2'],
  ['u24', 'user_id', DAY, 'late', '5', null, null],
  ['u25', 'user_id', DAY, 'late', null, '3', null],
  ['u26', 'user_id', DAY, 'early', null, '1', '4'],
  ['u27', 'user_id', DAY, 'early', '9', null, null],
  ['u,"28"\nx', 'user_id', DAY, 'quo"ted, name', '1', null, null],
  ['u29', 'user_id', DAY, 'other', '4', 'x', '2'],
  ['u30', 'user_id', DAY, 'other', '1', '2', 'Infinity'],
  // Escaped in COPY's text format: tab, backslash, carriage return, newline, and the text \N (not NULL).
  ['u\t31', 'user_id', DAY, 'back\\slash', '1', null, null],
  ['\\N', 'user_id', DAY, 'nul', '2', null, null],
  ['u32\r', 'user_id', DAY, 'cr\n', '3', null, null],
  // A line of its own reading `\.` inside a quoted CSV value (COPY's end-of-data marker when alone on a line).
  ['u33\n\\.\n', 'user_id', DAY, 'dot\n\\.', '4', null, null],
  // U+0001 is the quote of the CSV the PostgreSQL store's staged rows travel in.
  ['u\u000134', 'user_id', DAY, 'ctl\u0001', '5', null, null],
];

export function statements(kind: 'postgres' | 'duckdb' = 'postgres'): string[] {
  const text = TEXT_ROWS.map(
    (r, i) => `(${i}, ${r.map(q).join(', ')}, '{"k": [1, 2]}', ${i % 2 === 0}, 9007199254740993)`,
  );
  const typed = TEXT_ROWS.filter((r) =>
    r.slice(4).every((v) => v === null || (/^-?[0-9.e]+$/.test(v) && Number.isFinite(Number(v)))),
  ).map(
    (r, i) =>
      `(${i}, ${q(r[0])}, ${q(r[1])}, DATE '${DAY}', ${q(r[3])}, ${r[4] ?? 'NULL'}, ${r[5] ?? 'NULL'}, ${r[6] ?? 'NULL'})`,
  );
  const [json, numeric] = kind === 'postgres' ? ['JSONB', 'NUMERIC'] : ['JSON', 'DOUBLE'];
  return [
    `CREATE TABLE messy_text (seq INT, unit_id TEXT, id_type TEXT, ds TEXT, metric TEXT, value TEXT, num TEXT, den TEXT, extra ${json}, flag BOOLEAN, big BIGINT)`,
    `INSERT INTO messy_text VALUES ${text.join(',\n')}`,
    `CREATE TABLE messy_typed (seq INT, unit_id TEXT, id_type TEXT, ds DATE, metric TEXT, value DOUBLE PRECISION, num ${numeric}, den INT)`,
    'CREATE TABLE ctl (on_ INT)',
    'INSERT INTO ctl VALUES (1)',
    `INSERT INTO messy_typed VALUES ${typed.join(',\n')}, (900, '42', 'user_id', DATE '${DAY}', 'n', 'NaN', 1, NULL), (901, 'u', 'user_id', DATE '${DAY}', 'n', 'Infinity', NULL, NULL)`,
  ];
}

export const columns = {
  unit_id: 'unit_id',
  id_type: 'id_type',
  date: 'ds',
  metric_name: 'metric',
  metric_value: 'value',
  numerator: 'num',
  denominator: 'den',
};
export const mappings: MetricsMapping[] = [
  { name: 'text_in', dataset: 'metrics', source: 'src', sql: './t.sql', schedule: 'daily', startDate: DAY, columns },
  { name: 'typed_in', dataset: 'metrics', source: 'src', sql: './y.sql', schedule: 'daily', startDate: DAY, columns },
  {
    name: 'ratio_in',
    dataset: 'metrics',
    source: 'src',
    sql: './r.sql',
    schedule: 'daily',
    startDate: DAY,
    columns: { ...columns, metric_value: undefined, metric_name: { constant: 'fixed' } },
  },
  // Unit ids from a floating-point column, stored as JavaScript writes the number (`-2000`, not `-2000.0`).
  {
    name: 'number_units_in',
    dataset: 'metrics',
    source: 'src',
    sql: './n.sql',
    schedule: 'daily',
    startDate: DAY,
    columns: { ...columns, unit_id: 'value' },
  },
];
export const SQL = [
  'SELECT * FROM messy_text ORDER BY seq',
  'SELECT * FROM messy_typed ORDER BY seq',
  'SELECT * FROM messy_text ORDER BY seq',
  'SELECT * FROM messy_typed ORDER BY seq',
];

/** What a load left in the store: metrics, rejects and ledger rows of one ingestion. */
export async function contents(ctx: EngineContext, ingestion: string) {
  return {
    metrics: await ctx.store.query(
      `SELECT unit_id, id_type, CAST("date" AS VARCHAR) AS d, metric_name, metric_value, numerator, denominator FROM metrics WHERE ingestion = $1
       ORDER BY 1, 2, 3, 4, 5, 6, 7`,
      [ingestion],
    ),
    rejects: await storedRejects(ctx, ingestion),
    ledger: (await ctx.store.ledger({ ingestion })).map((e) => [
      e.status,
      e.rowsLoaded,
      e.rowsRejected,
      e.rejectReasons,
      e.sourceRowCount,
      e.sourceFingerprint,
    ]),
  };
}

/** A day result without what differs between two loads of the same day. */
export const comparable = (r: DayResult) => ({ ...r, durationMs: 0, loadId: null, path: null });

/** The rejects of one ingestion, in a fixed order (any store). */
export async function storedRejects(ctx: EngineContext, ingestion: string) {
  return ctx.store.query(
    `SELECT CAST("date" AS VARCHAR) AS d, "row", "column", rule, reason FROM rejects WHERE ingestion = $1
     ORDER BY 1, 2, 3, 4, 5`,
    [ingestion],
  );
}
