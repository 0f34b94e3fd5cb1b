/**
 * The source tables of the engine matrix tests, the same for DuckDB and PostgreSQL: good
 * metric and event rows, one row per contract rule that must be rejected, PST day
 * boundaries in winter and summer, a duplicated timeuuid, and UNIX-time events.
 */
import { insertSql } from '../support/engine-fixture.js';

export const GOOD_DAY = '2026-10-01';
export const BAD_DAY = '2026-10-02';
const LONG = 'm'.repeat(128);

type R = (string | number | null)[];

function goodMetrics(day: string, n: number, offset = 0): R[] {
  return Array.from({ length: n }, (_, i) => [
    `u${i}`,
    i % 3 ? 'user_id' : 'stable_id',
    day,
    i % 2 ? 'revenue' : 'sessions',
    i * 1.5,
    null,
    null,
    offset + i,
  ]);
}

/** Bad metric rows of BAD_DAY: rule → row. Sequence numbers keep the source order fixed. */
export const BAD_METRICS: Record<string, R> = {
  'id_type.undeclared': ['b1', 'User_ID', BAD_DAY, 'revenue', 1, null, null, 100],
  'metric_name.missing': ['b2', 'user_id', BAD_DAY, null, 1, null, null, 101],
  'metric_name.too_long': ['b3', 'user_id', BAD_DAY, LONG, 1, null, null, 102],
  'unit_id.missing': [null, 'user_id', BAD_DAY, 'revenue', 1, null, null, 103],
  'metric_value.missing': ['b5', 'user_id', BAD_DAY, 'revenue', null, null, null, 104],
};

/** A value row of `conv` before the first ratio row, and a ratio row without a denominator after it. */
const RATIO_ROWS: R[] = [
  ['r0', 'user_id', BAD_DAY, 'conv', 5, null, null, 200],
  ['r1', 'user_id', BAD_DAY, 'conv', null, 1, 2, 201],
  ['r2', 'user_id', BAD_DAY, 'conv', null, 3, null, 202],
  ['r3', 'user_id', BAD_DAY, 'conv', null, 1, 4, 203],
];

export const METRIC_SQL = 'SELECT unit_id, id_type, ds, metric, value, num, den FROM metric_src ORDER BY seq';

const E = (
  seq: number,
  ts: string,
  name: string | null,
  val: string | null,
  meta: string | null,
  usr: string | null,
  uuid: string | null,
): R => [seq, ts, name, val, meta, usr, uuid];
const user = (id: string) => JSON.stringify({ userID: id, customIDs: { stableID: `d-${id}` } });

export const BAD_EVENTS: Record<string, R> = {
  'event_name.too_long': E(50, '2026-10-01 12:00:00', 'x'.repeat(130), null, null, user('a'), 'bad-1'),
  'event_metadata.not_object': E(51, '2026-10-01 12:00:00', 'click', null, '[1,2]', user('a'), 'bad-2'),
  'event_metadata.not_string_values': E(52, '2026-10-01 12:00:00', 'click', null, '{"a":{"b":1}}', user('a'), 'bad-3'),
  'user.no_id': E(53, '2026-10-01 12:00:00', 'click', null, null, '{"email":"x@example.com"}', 'bad-4'),
  'user.not_object': E(54, '2026-10-01 12:00:00', 'click', null, null, 'not json', 'bad-5'),
  'event_name.missing': E(55, '2026-10-01 12:00:00', null, null, null, user('a'), 'bad-6'),
};

function goodEvents(): R[] {
  const rows: R[] = [];
  for (let i = 0; i < 40; i++) {
    const hour = String(8 + (i % 24)).padStart(2, '0');
    const ts =
      Number(hour) < 24 ? `2026-10-01 ${hour}:30:00` : `2026-10-02 ${String(Number(hour) - 24).padStart(2, '0')}:30:00`;
    rows.push(
      E(
        i,
        ts,
        i % 2 ? 'add to cart' : 'page_view',
        i % 5 ? null : String(i),
        '{"page":"/p"}',
        user(`u${i}`),
        `uuid-${i}`,
      ),
    );
  }
  return rows;
}

export const BOUNDARY_EVENTS: R[] = [
  E(60, '2027-01-15 07:59:59', 'winter_before', null, null, user('w'), 'w-before'),
  E(61, '2027-01-15 08:00:00', 'winter_at', null, null, user('w'), 'w-at'),
  E(62, '2027-07-15 07:59:59', 'summer_before', null, null, user('s'), 's-before'),
  E(63, '2027-07-15 08:00:00', 'summer_at', null, null, user('s'), 's-at'),
];

export const DUPLICATE_EVENTS: R[] = [
  E(70, '2026-10-03 10:00:00', 'dup', 'first', null, user('d'), 'dup-1'),
  E(71, '2026-10-03 11:00:00', 'dup', 'second', null, user('d'), 'dup-1'),
  E(72, '2026-10-03 12:00:00', 'other', null, null, user('d'), 'dup-2'),
];

export const EVENT_SQL = 'SELECT seq, ts, name, val, meta, usr, uuid FROM event_src ORDER BY seq';

/** Events keyed by UNIX seconds and milliseconds: both of 2026-10-01 (PST), one of 2026-10-02. */
export const EPOCH_SQL = 'SELECT * FROM epoch_src';
const s = Date.parse('2026-10-01T20:00:00Z') / 1000;

export function seedStatements(): string[] {
  return [
    'CREATE TABLE metric_src (unit_id VARCHAR, id_type VARCHAR, ds DATE, metric VARCHAR, value FLOAT8, num FLOAT8, den FLOAT8, seq INTEGER)',
    insertSql('metric_src', [
      ...goodMetrics(GOOD_DAY, 30),
      ...goodMetrics(BAD_DAY, 40, 1000),
      ...Object.values(BAD_METRICS),
      ...RATIO_ROWS,
    ]),
    'CREATE TABLE event_src (seq INTEGER, ts TIMESTAMP, name VARCHAR, val VARCHAR, meta VARCHAR, usr VARCHAR, uuid VARCHAR)',
    insertSql('event_src', [...goodEvents(), ...Object.values(BAD_EVENTS), ...BOUNDARY_EVENTS, ...DUPLICATE_EVENTS]),
    'CREATE TABLE epoch_src (t BIGINT, name VARCHAR, usr VARCHAR)',
    insertSql('epoch_src', [
      [s, 'in_seconds', user('e')],
      [s * 1000 + 1, 'in_millis', user('e')],
      [s + 86_400, 'next_day', user('e')],
    ]),
  ];
}
