/**
 * The columnar events path into the PostgreSQL store against the row path into it: the same
 * messy PostgreSQL day loaded both ways into two PostgreSQL stores must leave identical
 * events, rejects (row, column, rule, reason), duplicates, ledger counts and reject examples.
 * The day breaks every events rule its columns can, holds values only the row path's checks
 * accept (JSON with numbers, spaces, escapes; escaped text, which COPY's text format escapes
 * again on the way into PostgreSQL), emoji and Unicode-space names, NULLs, and timeuuids
 * repeated among bulk rows, across the day's files, after a rejected row and after a row
 * only the row path accepts; timeuuids that are UUIDs in canonical text and the same UUIDs
 * written otherwise (upper case, braces, no hyphens), which are other timeuuids. The row path
 * is the reference.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventsMapping } from '../../framework/config/types.js';
import { ingestDay } from '../../framework/engine/ingest-day.js';
import { FIRST_FILE_ROWS } from '../../framework/engine/metrics-columnar.js';
import type { DayResult, EngineContext } from '../../framework/engine/types.js';
import {
  engineContext,
  freshStore,
  insertSql,
  loadedMapping,
  makeProject,
  seededSource,
  tempDir,
} from '../support/engine-fixture.js';
import { eventsContents } from '../support/events-contents.js';
import { comparable } from '../support/messy-metrics-day.js';
import { idColumnsDay, idColumnsMappings } from '../support/events-id-columns.js';
import { numberValuesDay, numberValuesMappings } from '../support/events-number-values.js';

const DAY = '2026-10-05';
const U = '{"userID":"u1","customIDs":{"stableID":"s1"}}';
/** Version-1 UUIDs (timeuuids) in canonical text; not the shape of the generated ones. */
const UUID_A = '0a1b2c3d-4e5f-1a6b-8c7d-9e0f1a2b3c4d';
const UUID_B = 'f0e1d2c3-b4a5-1697-a8b9-cadbecfd0e1f';

/** name, value, metadata, user, timeuuid. */
const MESSY: (string | null)[][] = [
  ['page view', 'v', '{"a":"b"}', U, 'tu-1'],
  ['repeat', 'other', null, U, 'tu-1'],
  ['😀'.repeat(100), null, null, U, 'tu-2'],
  ['😀'.repeat(128), null, null, U, 'tu-3'],
  ['a\u00a0b\u3000c d\u2028e\u00e9', null, null, U, ''],
  ['tab\tname\\N', 'back\\slash', null, U, 'tu-4'],
  [null, null, null, U, 'tu-5'],
  ['kept after reject', null, null, U, 'tu-5'],
  ['m', '', '', U, 'tu-6'],
  ['m', null, '[1]', U, 'tu-7'],
  ['m', null, '{"a":1,"b":true}', U, 'tu-8'],
  ['m', null, '{"a":{"b":"c"}}', U, 'tu-9'],
  ['m', null, 'nope', U, 'tu-11'],
  ['m', null, '{"a": "b", "c":"d"}', U, 'tu-12'],
  ['m', null, '{"q":"say \\"hi\\"","u":"\\u00e9"}', U, 'tu-15'],
  ['m', null, '{"a":"x\u0001"}', U, 'tu-16'],
  ['u', null, null, null, 'tu-18'],
  ['u', null, null, '[]', 'tu-20'],
  ['u', null, null, '{"userID":5}', 'tu-21'],
  ['u', null, null, '{"userID":{"x":1}}', 'tu-22'],
  ['u', null, null, '{"customIDs":"x"}', 'tu-23'],
  ['u', null, null, '{"customIDs":{"a":1}}', 'tu-24'],
  ['u', null, null, '{}', 'tu-26'],
  ['u', null, null, '{"userID":"u\\u00e9","n":1.50}', 'tu-31'],
  ['u', null, null, '{ "userID":"u", "customIDs":{"b":"1","0":"2"}}', 'tu-34'],
  // The first is only accepted by the row path's checks, the second in bulk: the first is kept.
  ['first kept', null, '{"n":1}', U, 'tu-35'],
  ['dropped', null, '{"n":"1"}', U, 'tu-35'],
  // U+0001 is the quote of the CSV the staged events travel in.
  ['ctl\u0001name', 'v\u0001\u0001', null, U, 'tu-36'],
  // One UUID in several texts: distinct timeuuids; the canonical text repeated: a duplicate.
  ['uuid', null, null, U, UUID_A],
  ['uuid upper', null, null, U, UUID_A.toUpperCase()],
  ['uuid braces', null, null, U, `{${UUID_A}}`],
  ['uuid no hyphens', null, null, U, UUID_A.replace(/-/g, '')],
  ['uuid repeated', null, null, U, UUID_A],
  ['other uuid upper', null, null, U, UUID_B.toUpperCase()],
];

/** Rows after the padding, in a later file: repeats of the first file's texts, and UUID_B's canonical text. */
const LATE: (string | null)[][] = [
  ['late uuid', null, null, U, UUID_A],
  ['late uuid upper', null, null, U, UUID_A.toUpperCase()],
  ['late other uuid', null, null, U, UUID_B],
];

/** Ordinary rows after the messy ones, so the day spans several export files, timeuuids repeating across them. */
const PAD_ROWS = 20_000;
/**
 * The padding's timeuuid of `k`: text, a version-1 UUID in canonical text, the same UUID in
 * upper case, or without hyphens.
 */
const PAD_TIMEUUID = `CASE k % 4 WHEN 0 THEN 'pad-' || k ELSE (SELECT CASE k % 4 WHEN 1 THEN u WHEN 2 THEN upper(u)
    ELSE replace(u, '-', '') END FROM (SELECT substr(m, 1, 8) || '-' || substr(m, 9, 4) || '-1' || substr(m, 14, 3)
    || '-' || substr(m, 17, 4) || '-' || substr(m, 21, 12) AS u FROM (SELECT md5(CAST(k / 4 AS TEXT)) AS m) AS h) AS f)
  END`;
const pad = (table: string, cast: (text: string) => string) =>
  `INSERT INTO ${table} SELECT 1000 + i, TIMESTAMPTZ '${DAY} 09:00:00+00' + i * INTERVAL '1 second', 'pad ' || (i % 7),
     ${table === 'ev_json' ? 'i' : "'val'"}, ${cast(`'{"page":"/p/' || (i % 13) || '","ref":"x"}'`)},
     ${cast(`'{"userID":"p' || i || '","customIDs":{"stableID":"s' || i || '"}}'`)}, ${PAD_TIMEUUID}
   FROM generate_series(1, ${PAD_ROWS}) AS s(i), LATERAL (SELECT i % 15000 AS k) AS pk`;

/** JSON text PostgreSQL's jsonb takes (an object), else NULL. */
const jsonbOrNull = (text: string | null) => {
  try {
    return text !== null && text.startsWith('{') && JSON.parse(text) !== null ? text : null;
  } catch {
    return null;
  }
};

function statements(): string[] {
  const at = (i: number) =>
    `${DAY} 08:00:${String(i).padStart(2, '0')}.${String((i * 1237) % 1000000).padStart(6, '0')}`;
  return [
    'CREATE TABLE ev_text (seq INT, ts TIMESTAMPTZ, name TEXT, value TEXT, meta TEXT, usr TEXT, tu TEXT)',
    insertSql(
      'ev_text',
      MESSY.map((r, i) => [i, `${at(i)}+00`, ...r]),
    ),
    // The day's last instant (to the microsecond) and its first, on the day; the instant before, not.
    `INSERT INTO ev_text VALUES (100, '2026-10-06 07:59:59.999999+00', 'last', NULL, NULL, '${U}', NULL),
       (101, '${DAY} 08:00:00+00', 'first', NULL, NULL, '${U}', NULL),
       (102, '${DAY} 07:59:59.999999+00', 'before', NULL, NULL, '${U}', NULL)`,
    pad('ev_text', (t) => t),
    insertSql(
      'ev_text',
      LATE.map((r, i) => [50_000 + i, `${DAY} 20:00:0${i}+00`, ...r]),
    ),
    'CREATE TABLE ev_json (seq INT, ts TIMESTAMPTZ, name TEXT, value INT, meta JSONB, usr JSONB, tu TEXT)',
    insertSql(
      'ev_json',
      MESSY.map((r, i) => [
        i,
        `${at(i)}+00`,
        r[0],
        r[1] === null ? null : r[1].length,
        jsonbOrNull(r[2]),
        jsonbOrNull(r[3]),
        r[4],
      ]),
    ),
    pad('ev_json', (t) => `CAST(${t} AS JSONB)`),
    ...idColumnsDay((i) => `${at(i)}+00`, PAD_ROWS),
    ...numberValuesDay((i) => `${at(i)}+00`, 'NUMERIC'),
    insertSql(
      'ev_json',
      LATE.map((r, i) => [50_000 + i, `${DAY} 20:00:0${i}+00`, r[0], null, null, r[3], r[4]]),
    ),
  ];
}

const columns = {
  timestamp: 'ts',
  event_name: 'name',
  event_value: 'value',
  event_metadata: 'meta',
  user: 'usr',
  timeuuid: 'tu',
};
const base = { dataset: 'events' as const, source: 'src', sql: './e.sql', schedule: 'daily', startDate: DAY };
const mappings: [EventsMapping, string][] = [
  [{ ...base, name: 'text_in', columns }, 'SELECT * FROM ev_text ORDER BY seq'],
  [{ ...base, name: 'json_in', columns }, 'SELECT * FROM ev_json ORDER BY seq'],
  // The timestamps as UNIX seconds with a fraction (NUMERIC, extract's own type).
  [
    { ...base, name: 'ts_numeric_in', columns },
    'SELECT seq, extract(epoch FROM ts) AS ts, name, value, meta, usr, tu FROM ev_text ORDER BY seq',
  ],
  ...idColumnsMappings(base),
];

describe('columnar events path vs row path (PostgreSQL → PostgreSQL store)', () => {
  const contexts: Record<'columnar' | 'rows', EngineContext> = {} as never;

  beforeAll(async () => {
    const source = await seededSource('postgres', statements());
    for (const path of ['columnar', 'rows'] as const) {
      const project = makeProject(
        tempDir(),
        [source],
        [...mappings, ...numberValuesMappings(base)].map(([m, sql]) => loadedMapping(m, sql, 1)),
      );
      const ctx = engineContext(project, await freshStore('postgres'));
      contexts[path] = { ...ctx, columnar: path === 'columnar', batchSize: 2000 };
    }
  }, 60_000);
  afterAll(async () => {
    for (const ctx of Object.values(contexts)) {
      await ctx.connectors.closeAll();
      await ctx.store.close();
    }
  });

  it.each(mappings.map(([m]) => m.name))(
    '%s: identical events, rejects, duplicates, counts and examples',
    async (name) => {
      expect(PAD_ROWS).toBeGreaterThan(FIRST_FILE_ROWS);
      const results: Record<string, DayResult> = {};
      for (const path of ['columnar', 'rows'] as const) {
        results[path] = await ingestDay(contexts[path], name, DAY);
        expect(results[path]).toMatchObject({ status: 'succeeded', path });
        // Loading twice leaves the same contents as loading once.
        await ingestDay(contexts[path], name, DAY);
      }
      expect(results.rows.rowsLoaded).toBeGreaterThan(PAD_ROWS / 2);
      const rules = Object.keys(results.rows.rejectReasons).sort();
      if (name === 'text_in')
        expect(rules).toEqual([
          'event_metadata.not_object',
          'event_metadata.not_string_values',
          'event_name.missing',
          'event_name.too_long',
          'user.invalid_custom_ids',
          'user.invalid_user_id',
          'user.missing',
          'user.no_id',
          'user.not_object',
        ]);
      // tu-1, tu-35, UUID_A within the first file and in both texts after it, and the padding's repeats
      // across files (tu-5's first row is rejected: no duplicate; UUID_B's canonical text is not a repeat).
      // The id columns' day: id-1 and the padding's repeats (id-6's first row is rejected); without timeuuids, none.
      const duplicates: Record<string, number> = { ids_in: 1 + (PAD_ROWS - 15_000), custom_ids_in: 0 };
      expect(results.rows.duplicates).toBe(duplicates[name] ?? 5 + (PAD_ROWS - 15_000));
      expect(comparable(results.columnar)).toEqual(comparable(results.rows));
      expect(Object.keys(results.columnar.rejectExamples)).toEqual(Object.keys(results.rows.rejectExamples));
      const [columnar, rows] = [
        await eventsContents(contexts.columnar, name),
        await eventsContents(contexts.rows, name),
      ];
      expect(columnar.rejects.length).toBe(results.rows.rowsRejected);
      expect(columnar.events.length).toBe(results.rows.rowsLoaded);
      expect(columnar).toEqual(rows);
    },
    120_000,
  );

  it.each(numberValuesMappings(base).map(([m]) => m.name))(
    '%s (numbers as event_value or ids): identical events, rejects and counts',
    async (name) => {
      const results: Record<string, DayResult> = {};
      for (const path of ['columnar', 'rows'] as const) {
        results[path] = await ingestDay(contexts[path], name, DAY);
        expect(results[path]).toMatchObject({ status: 'succeeded', path, rowsLoaded: 16 });
      }
      expect(comparable(results.columnar)).toEqual(comparable(results.rows));
      expect(await eventsContents(contexts.columnar, name)).toEqual(await eventsContents(contexts.rows, name));
    },
    60_000,
  );
});
