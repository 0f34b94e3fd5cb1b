/**
 * Test support: an events day whose user is built from id columns (userID, stableID, and
 * companyID from an integer column), for the parity tests of the columnar path against the row
 * path. NULL and empty ids are left out, no id at all is rejected, and ids JSON.stringify
 * escapes (a quote, a backslash, a tab, a control character) go to the row path's checks;
 * others, however odd, load in bulk. After the messy rows, padding rows span several export
 * files with timeuuids repeating across them.
 */
import type { EventsMapping } from '../../framework/config/types.js';
import { insertSql } from './engine-fixture.js';

/** uid, stable, company, timeuuid. */
type IdsRow = [string | null, string | null, string | null, string | null];

const MESSY_IDS: IdsRow[] = [
  ['u1', 's1', '5', 'id-1'],
  [null, 's1', null, 'id-2'],
  ['', 's1', null, 'id-3'],
  ['u1', null, null, 'id-4'],
  ['u1', '', '0', 'id-5'],
  [null, null, null, 'id-6'],
  ['', '', null, 'id-7'],
  [null, null, '7', 'id-8'],
  ['say "hi"', 's', null, 'id-9'],
  ['back\\slash', 's', null, 'id-10'],
  ['tab\tid', null, '1', 'id-11'],
  ['ctl\u0001', 's', null, 'id-12'],
  ['del\u007f', 's', null, 'id-13'],
  ['\u{1F600}\u00e9\u2028', 'k \u00fc', '-42', 'id-14'],
  [' ', ' ', null, 'id-15'],
  ['{x}', '[y]:,"', '9223372036854775807', 'id-16'],
  ['"', null, null, 'id-17'],
  ['u1', 's1', '5', 'id-1'],
  ['after a reject', null, null, 'id-6'],
];

/** The timeuuids of the rows the row path's checks see: no id, or an id JSON.stringify escapes. */
export const ID_ROWS_FOR_THE_ROW_PATH = ['id-6', 'id-7', 'id-9', 'id-10', 'id-11', 'id-12', 'id-16', 'id-17'];

/** Statements creating `ev_ids`: the messy rows at `at(i)`, then `padRows` ordinary ones from 09:00 UTC. */
export function idColumnsDay(at: (i: number) => string, padRows: number): string[] {
  return [
    'CREATE TABLE ev_ids (seq INT, ts TIMESTAMPTZ, name TEXT, uid TEXT, stable TEXT, company BIGINT, tu TEXT)',
    insertSql(
      'ev_ids',
      MESSY_IDS.map((r, i) => [i, at(i), `ids ${i % 3}`, ...r]),
    ),
    `INSERT INTO ev_ids SELECT 1000 + i, TIMESTAMPTZ '2026-10-05 09:00:00+00' + i * INTERVAL '1 second', 'pad',
       'p' || (i % 977), 's' || i, i, 'ids-' || (i % 15000) FROM generate_series(1, ${padRows}) AS s(i)`,
  ];
}

/** Two mappings of `ev_ids`: userID and two customIDs; and customIDs alone, in another order. */
export function idColumnsMappings(base: Omit<EventsMapping, 'name' | 'columns'>): [EventsMapping, string][] {
  const sql = 'SELECT * FROM ev_ids ORDER BY seq';
  const columns = { timestamp: 'ts', event_name: 'name' };
  return [
    [
      {
        ...base,
        name: 'ids_in',
        columns: { ...columns, userID: 'uid', customIDs: { stableID: 'stable', companyID: 'company' }, timeuuid: 'tu' },
      },
      sql,
    ],
    [
      {
        ...base,
        name: 'custom_ids_in',
        columns: { ...columns, customIDs: { companyID: 'company', stableID: 'stable' } },
      },
      sql,
    ],
  ];
}
