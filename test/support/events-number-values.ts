/**
 * Test support: an events day whose event_value comes from floating-point and NUMERIC columns,
 * for the parity tests of the columnar path against the row path. The row path stores a number
 * as JavaScript's `String` writes it (a NUMERIC the driver gives as text, as that text), so the
 * values cover what each writes differently: exponents, `-0`, NaN and the infinities, integral
 * doubles, the shortest and longer texts of the same double, a NUMERIC's trailing zeros.
 */
import type { EventsMapping } from '../../framework/config/types.js';
import { insertSql } from './engine-fixture.js';
import { rowsCheckedOneByOne } from './rows-checked.js';

/** double precision, numeric and real texts of one row. */
const VALUES: [string | null, string | null, string | null][] = [
  ['9.99', '9.990', '0.1'],
  ['5', '100', '5'],
  ['-0', '-0.0', '-0'],
  ['1e-05', '0.00001', '1e-05'],
  ['1e+20', '100000000000000000000', '3.4e+38'],
  ['0.30000000000000004', '0.1000000000000000055511151231257827', '0.3'],
  ['NaN', 'NaN', 'NaN'],
  ['Infinity', '12.5', 'Infinity'],
  ['-Infinity', '-42.5', '-Infinity'],
  ['123.456', '123.456', '123.456'],
  ['1e+15', '1000000000000000', '1e+15'],
  ['123456789012345.6', '123456789012345.6', '1.2345679e+14'],
  ['0.0001', '0.0001', '0.0001'],
  ['2.5e-07', '0.00000025', '2.5e-07'],
  [null, null, null],
  ['-42.5', '7', '-42.5'],
];

/**
 * The double precision values the store leaves to the row path's checks, as JavaScript writes
 * them: NaN, the infinities, and the doubles JavaScript writes otherwise than DuckDB's shortest
 * text (DuckDB writes 1e-05, 2.5e-07 and 1e+20 with an exponent). Every other value of the day,
 * `5.0`, `-0` and `1e+15` included, loads in bulk.
 */
export const ROW_PATH_DOUBLES = ['-Infinity', '0.00001', '100000000000000000000', '2.5e-7', 'Infinity', 'NaN'];

/**
 * The `dbl` values (as JavaScript writes them, sorted) of the rows that reach the row path's
 * checks (EventsMapper.check) while `load` runs.
 */
export async function checkedDoubles(load: () => Promise<unknown>): Promise<string[]> {
  const { rows } = await rowsCheckedOneByOne(load);
  return rows.map((row) => String(row.dbl)).sort();
}

/**
 * Statements creating `ev_num`, the values at `at(i)` with a user and a timeuuid (`num-<i>`);
 * `numeric`: the type of the NUMERIC column (DuckDB's NUMERIC is a DECIMAL(18,3): TEXT there).
 */
export function numberValuesDay(at: (i: number) => string, numeric: 'NUMERIC' | 'TEXT'): string[] {
  const user = '{"userID":"u1"}';
  return [
    `CREATE TABLE ev_num (seq INT, ts TIMESTAMPTZ, name TEXT, dbl DOUBLE PRECISION, dec ${numeric}, rl REAL, usr TEXT,
       tu TEXT)`,
    insertSql(
      'ev_num',
      VALUES.map(([d, n, r], i) => [i, at(i), 'n', d, n, r, user, `num-${i}`]),
    ),
  ];
}

/** The mapped columns of `ev_num` but the event_value. */
export const NUMBER_COLUMNS = { timestamp: 'ts', event_name: 'name', user: 'usr', timeuuid: 'tu' };

/**
 * Four mappings of `ev_num`: event_value from the double precision, the NUMERIC and the real
 * column; and `dbl_ids_in`, a user built from the double precision column (userID) and the
 * NUMERIC and integer ones (customIDs), which the row path writes as JavaScript's `String`.
 */
export function numberValuesMappings(base: Omit<EventsMapping, 'name' | 'columns'>): [EventsMapping, string][] {
  const sql = 'SELECT * FROM ev_num ORDER BY seq';
  const values = (['dbl', 'dec', 'rl'] as const).map((column): [EventsMapping, string] => [
    { ...base, name: `${column}_in`, columns: { ...NUMBER_COLUMNS, event_value: column } },
    sql,
  ]);
  const { user: _user, ...columns } = NUMBER_COLUMNS;
  const ids: EventsMapping = {
    ...base,
    name: 'dbl_ids_in',
    columns: { ...columns, userID: 'dbl', customIDs: { priceID: 'dec', rowID: 'seq' } },
  };
  return [...values, [ids, sql]];
}
