/**
 * The columnar events path against the row path: the same messy PostgreSQL day loaded both
 * ways into two DuckDB stores must leave identical events, rejects (row, column, rule,
 * reason), duplicates, ledger counts and reject examples; so must its text and JSON mappings
 * read as a Redshift source, whose bulk export is a plain query rather than COPY. The day holds every events rule a
 * day's rows can break, values the vectorized checks hand back to the row path (JSON with
 * numbers, spaces, escapes, repeated or numeric keys; escaped text), emoji and Unicode space
 * names, NULLs, and repeated timeuuids: among bulk rows, across the day's files, after a
 * rejected row (then twice more: the first accepted stays), and after a row only the row path
 * accepts; the same users and metadata written in many ways; the same messy rows in a day's
 * second file, after a clean first; and a day whose large file the store reads with several
 * threads, after a file with too many distinct failing users to name (so checked row by row).
 * The row path is the reference.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventsMapping, SourceConfig } from '../../framework/config/types.js';
import { ingestDay } from '../../framework/engine/ingest-day.js';
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
import { ID_ROWS_FOR_THE_ROW_PATH, idColumnsDay, idColumnsMappings } from '../support/events-id-columns.js';
import {
  checkedDoubles,
  NUMBER_COLUMNS,
  numberValuesDay,
  numberValuesMappings,
  ROW_PATH_DOUBLES,
} from '../support/events-number-values.js';
import { rowsCheckedOneByOne } from '../support/rows-checked.js';
import { bothPathContexts, closeBothPaths, type BothPaths } from '../support/both-paths.js';

const DAY = '2026-10-05';
const [UUID_A, UUID_B] = ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'b1ffcd88-8d1a-4f09-9c7e-7cc8ce491b22'];
const IN_DAY = '2026-10-05 09:00:00';
const U = '{"userID":"u1","customIDs":{"stableID":"s1"}}';

/** name, value, meta, user, timeuuid, timestamp offset (seconds into the day's UTC 08:00 start). */
type Messy = [string | null, string | null, string | null, string | null, string | null];
const MESSY: Messy[] = [
  ['page view', 'v', '{"a":"b"}', U, 'tu-1'],
  ['repeat', 'other', null, U, 'tu-1'],
  ['😀'.repeat(100), null, null, U, 'tu-2'],
  ['😀'.repeat(128), null, null, U, 'tu-3'],
  [`${'a'.repeat(125)}👍🏽`, null, null, U, null],
  [`${'a'.repeat(126)}👍🏽`, null, null, U, null],
  ['a\u00a0b\u3000c d\u2028e\u00e9', null, null, U, ''],
  ['tab\tname\\N', 'back\\slash', null, U, 'tu-4'],
  [null, null, null, U, 'tu-5'],
  ['', null, null, U, 'tu-5'],
  ['kept after reject', null, null, U, 'tu-5'],
  ['m', '', '', U, 'tu-6'],
  ['m', null, '[1]', U, 'tu-7'],
  ['m', null, '{"a":1,"b":true}', U, 'tu-8'],
  ['m', null, '{"a":{"b":"c"}}', U, 'tu-9'],
  ['m', null, '{"a":null,"b":"c"}', U, 'tu-10'],
  ['m', null, 'nope', U, 'tu-11'],
  ['m', null, '{"a": "b", "c":"d"}', U, 'tu-12'],
  ['m', null, '{"2":"x","1":"y"}', U, 'tu-13'],
  ['m', null, '{"a":"1","a":"2"}', U, 'tu-14'],
  ['m', null, '{"q":"say \\"hi\\"","u":"\\u00e9"}', U, 'tu-15'],
  ['m', null, '{}', U, 'tu-16'],
  ['m', null, '{"__proto__":"x"}', U, 'tu-17'],
  ['u', null, null, null, 'tu-18'],
  ['u', null, null, '', 'tu-19'],
  ['u', null, null, '[]', 'tu-20'],
  ['u', null, null, '{"userID":5}', 'tu-21'],
  ['u', null, null, '{"userID":{"x":1}}', 'tu-22'],
  ['u', null, null, '{"customIDs":"x"}', 'tu-23'],
  ['u', null, null, '{"customIDs":{"a":1}}', 'tu-24'],
  ['u', null, null, '{"customIDs":{"a":{"b":1}}}', 'tu-25'],
  ['u', null, null, '{}', 'tu-26'],
  ['u', null, null, '{"userID":"","customIDs":{"a":""}}', 'tu-27'],
  ['u', null, null, '{"userID":null,"customIDs":{"s":"x","t":""}}', 'tu-28'],
  ['u', null, null, '{"userID":"u","extra":[1,2],"n":1.50,"z":-0}', 'tu-29'],
  ['u', null, null, '{"customIDs":{"userID":"x"}}', 'tu-30'],
  ['u', null, null, '{"userID":"u\\u00e9"}', 'tu-31'],
  ['u', null, null, '{"userID":"u","customIDs":null}', 'tu-32'],
  ['u', null, null, '{"customIDs":{"b":"1","0":"2"},"userID":"u2","country":"FR","n":12,"ok":false,"x":null}', 'tu-33'],
  ['u', null, null, '{ "userID":"u"}', 'tu-34'],
  ['u', null, null, '{"userID":"u","props":{"a":"b","a":"c"}}', 'tu-36'],
  ['u', null, null, '{"customIDs":{"customIDs":{"a":"b"}}}', 'tu-37'],
  ['u', null, null, '{"userID":"u","customIDs":{"a":"x}y","b":5}}', 'tu-38'],
  ['u', null, null, '{"userID":"u","a":NaN}', 'tu-39'],
  ['u', null, null, '{"userID":"u","a":"b",}', 'tu-40'],
  ['u', null, null, '{"userID":"u","n":1.0,"e":1e2,"big":12345678901234567890}', 'tu-41'],
  ['u', null, null, '{"userID":"a","userID":"b"}', 'tu-42'],
  ['u', null, null, '{"customIDs":{"s":"1","s":"2"}}', 'tu-43'],
  ['u', null, null, '{"userID":"u","list":[{"a":"b"}],"t":true}', 'tu-44'],
  ['u', null, null, '{"userID":"u","customIDs":{"a":"b"},"customIDs":{"c":"d"}}', 'tu-45'],
  ['u', null, null, '{"props":{"userID":"x"}}', 'tu-48'],
  ['u', null, null, '{"userID":"u","customIDs":{"x":"}","customIDs":{"a":"b"}}}', 'tu-49'],
  ['u', null, null, '{"userID":"u","s":{"a":"b"},"customIDs":{"c":"d"}}', 'tu-50'],
  ['u', null, null, '{"userID":"u","a":"1","b":"2","c":"3","a":"4"}', 'tu-51'],
  ['u', null, null, '{"userID":"u","a":"1","b":"2","c":"3","d":"4"}', 'tu-52'],
  ['u', null, null, '{"userID":"u","a":"1","userID":"v"}', 'tu-53'],
  ['u', null, null, '{"customIDs":{"a":"1","b":"2","c":"3","d":"4","b":"5"}}', 'tu-54'],
  ['m', null, '{"a":"1","b":"2","c":"3","d":"4","e":"5","c":"6"}', U, 'tu-55'],
  ['m', null, '{"a":"1","b":"2","c":"3","d":"4","e":"5"}', U, 'tu-56'],
  ['m', null, '{"a":"b",}', U, 'tu-46'],
  ['m', null, '{"a":"x\u0001"}', U, 'tu-47'],
  // The same users and metadata again and again, each time written differently: spacing, key
  // order, repeated and numeric keys, empty or prototype ids, non-ASCII and braces in ids, and
  // invalid JSON, every text on several rows.
  ...[0, 1, 2].flatMap((n): Messy[] =>
    [
      '{"customIDs":{"stableID":"s1"},"userID":"u1"}',
      '{"userID": "u1", "customIDs": {"stableID": "s1"}}',
      '{"userID":"u1","customIDs":{"stableID":"s1"}',
      '{"userID":"u1","customIDs":{}}',
      '{"userID":"u1","customIDs":{"1":"a","b":"c"}}',
      '{"userID":"u1","customIDs":{"__proto__":"x","b":"c"}}',
      '{"userID":"u1","customIDs":{"b":"c","b":"c"}}',
      '{"userID":"u1","userID":"u1"}',
      '{"userID":"\u00fc","customIDs":{"k":"\u00e9\u2028"}}',
      '{"userID":"a}b","customIDs":{"x":"{y","z":"w}"}}',
      '{"customIDs":{"a":"b","c":"d","e":"f","g":"h","i":"j"}}',
    ].map((user, i) => ['again', null, ['{"a":"b"}', '{"a": "b"}', '{"b":"c","a":"b"}'][i % 3], user, `ag-${n}-${i}`]),
  ),
  // Texts near the flat shapes the distinct pass passes on one regular expression (flat-json-sql.ts): flat ones in
  // another key order, with Unicode, URLs and brackets; and ones that look flat but hold what the checks refuse (a
  // number-like or odd text after `:`, `,` or `[`, a leading `:`, a `customIDs` or repeated key, a trailing space,
  // another top-level key), each on two rows.
  ...[0, 1].flatMap((n): Messy[] =>
    [
      ['{"customIDs":{"b":"2","a":"1"}}', '{"z":"1","a":""}'],
      ['{"userID":"\u00e9\u{1F600}","customIDs":{"k\u00fc":"\u2028v"}}', '{"t":"http://127.0.0.1/?a=b, c [d] {e}"}'],
      ['{"userID":"12:30.5"}', '{"t":"12:30.5"}'],
      ['{"userID":"a,Ned","customIDs":{"k":"[Infinity"}}', '{"t":"a,NaN"}'],
      ['{"userID":":x"}', '{"t":":x"}'],
      ['{"userID":"u","customIDs":{"customIDs":"x"}}', '{"customIDs":"x"}'],
      ['{"userID":"u","customIDs":{"_id":"1","1a":"2"}}', '{"_id":"1","1a":"2"}'],
      ['{"userID":"u","customIDs":{"k":"1","k":"2"}}', '{"k":"1","k":"1"}'],
      ['{"userID":"u","customIDs":{"k":"v"}} ', '{"a":"b"} '],
      ['{"userID":"u\u007f","customIDs":{"k":"a,{b"}}', '{"a":"[{"}'],
      ['{"userID":"u","customIDs":{"k":"v"},"x":"y"}', '{"userID":"u"}'],
    ].map(([user, meta], i): Messy => ['near flat', null, meta, user, `nf-${n}-${i}`]),
  ),
  // The first is only accepted by the row path's checks, the second in bulk: the first is kept.
  ['first kept', null, '{"n":1}', U, 'tu-35'],
  ['dropped', null, '{"n":"1"}', U, 'tu-35'],
  // After a rejected row, two accepted rows of its timeuuid (the first in bulk, then the first only the row path
  // accepts): in each pair the first accepted is kept.
  [null, null, null, U, 'tu-57'],
  ['kept after a reject', null, null, U, 'tu-57'],
  ['dropped after it', null, null, U, 'tu-57'],
  [null, null, null, U, 'tu-58'],
  ['row path kept after a reject', null, '{"n":1}', U, 'tu-58'],
  ['dropped after it', null, '{"n":"1"}', U, 'tu-58'],
];

/**
 * Plenty of ordinary rows after the messy ones, so the day spans several export files, with timeuuids repeating across
 * them.
 */
const PAD_ROWS = 20_000;
const pad = (
  ts: string,
  user: string,
  meta: string,
) => `SELECT 1000 + i, ${ts}, 'pad ' || (i % 7), 'val', ${meta}, ${user}, 'pad-' || (i % 15000)
  FROM generate_series(1, ${PAD_ROWS}) AS s(i)`;
/** Rows of the large day: its second export file is about 12 MB (DuckDB reads files over 8 MB with several threads). */
const BIG_ROWS = 50_000;
/** The clean rows before the late day's messy ones: its first export file (FIRST_FILE_ROWS). */
const LATE_ROWS = 15_360;
/** Rows of the clean days: three export files of FIRST_FILE_ROWS rows at most. */
const CLEAN_ROWS = 32_000;
const padUser = `'{"userID":"p' || i || '","customIDs":{"stableID":"s' || i || '"}}'`;
const padMeta = `'{"page":"/p/' || (i % 13) || '","ref":"x"}'`;

/** JSON text PostgreSQL's jsonb takes (an object), else NULL. */
const jsonbOrNull = (text: string | null) => {
  try {
    return text !== null && /^[{]/.test(text) && !/NaN|,}/.test(text) && JSON.parse(text) !== null ? text : null;
  } catch {
    return null;
  }
};

function statements(): string[] {
  const at = (i: number) =>
    `2026-10-05 08:00:00+00`.replace(
      '08:00:00',
      `08:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.${String((i * 1237) % 1000000).padStart(6, '0')}`,
    );
  const rows = MESSY.map((r, i) => [i, at(i), ...r]);
  return [
    'CREATE TABLE ev_text (seq INT, ts TIMESTAMPTZ, name TEXT, value TEXT, meta TEXT, usr TEXT, tu TEXT)',
    insertSql('ev_text', rows),
    // The day's last instant (to the microsecond) and its first, on the day; the instant before, not.
    `INSERT INTO ev_text VALUES (100, '2026-10-06 07:59:59.999999+00', 'last', NULL, NULL, '${U}', NULL), (101, '2026-10-05 08:00:00+00', 'first', NULL, NULL, '${U}', NULL), (102, '2026-10-05 07:59:59.999999+00', 'before', NULL, NULL, '${U}', NULL)`,
    `INSERT INTO ev_text ${pad(`TIMESTAMPTZ '${IN_DAY}+00' + i * INTERVAL '1 second'`, padUser, padMeta)}`,
    'CREATE TABLE ev_json (seq INT, ts TIMESTAMP, name TEXT, value INT, meta JSONB, usr JSONB, tu TEXT)',
    insertSql(
      'ev_json',
      MESSY.map((r, i) => [
        i,
        at(i).replace('+00', ''),
        r[0],
        r[1] === null ? null : r[1].length,
        jsonbOrNull(r[2]),
        jsonbOrNull(r[3]),
        r[4],
      ]),
    ),
    `INSERT INTO ev_json ${pad(`TIMESTAMP '${IN_DAY}' + i * INTERVAL '1 second'`, `CAST(${padUser} AS JSONB)`, `CAST(${padMeta} AS JSONB)`).replace("'val'", 'i')}`,
    // A day of one small and one large file (read by several threads): rows only the row path accepts in the first
    // file, and timeuuids that repeat far apart, also across the large file's parts, whose first row must be kept.
    // The first file has more distinct users the bulk checks leave to the row path, and names with a space, than a
    // statement names (its JSON is checked, its names rewritten, row by row); the large file has none of either.
    `CREATE TABLE ev_big AS SELECT i AS seq, TIMESTAMPTZ '${IN_DAY}+00' + i * INTERVAL '100 millisecond' AS ts,
       CASE WHEN i < 15000 THEN 'big ' || i ELSE 'big_' || (i % 50) END AS name, CASE WHEN i % 4999 = 0 AND i < 15000 THEN '{"n":1}' ELSE '{"page":"/p/' || i || '","pad":"${'x'.repeat(200)}"}' END AS meta,
       CASE WHEN i % 100 = 0 AND i < 15000 THEN '{"userID":"u' || i || '","n":1.5}'
         ELSE '{"userID":"u' || (i % 977) || '","customIDs":{"stableID":"s' || i || '"}}' END AS usr,
       'big-' || (i % ${BIG_ROWS / 2 + 7}) AS tu
       FROM generate_series(1, ${BIG_ROWS}) AS s(i)`,
    // The text day after a first export file (15,360 rows) of clean rows: the second file's checks are guessed from
    // the first's texts (none failing, no name with a space), and its invalid JSON users must not fail that statement.
    `CREATE TABLE ev_late AS SELECT i - ${LATE_ROWS} AS seq, TIMESTAMPTZ '${IN_DAY}+00' + i * INTERVAL '1 second' AS ts,
       'late_' || (i % 9) AS name, 'val' AS value, ${padMeta} AS meta, ${padUser} AS usr, 'late-' || i AS tu
       FROM generate_series(1, ${LATE_ROWS}) AS s(i)`,
    'INSERT INTO ev_late SELECT * FROM ev_text',
    // Clean days of three export files, every row loaded in bulk (none left to the row path): 'clean-7' in the first
    // file twice and once in each other file; some empty timeuuids (generated). ev_clean's second query has no repeat.
    `CREATE TABLE ev_clean AS SELECT i AS seq, TIMESTAMPTZ '${IN_DAY}+00' + i * INTERVAL '1 second' AS ts,
       'clean_' || (i % 9) AS name, 'val' AS value, ${padMeta} AS meta, ${padUser} AS usr,
       CASE WHEN i % 10000 = 7 THEN 'clean-7' WHEN i % 5000 = 3 THEN '' ELSE 'clean-' || i END AS tu
       FROM generate_series(1, ${CLEAN_ROWS}) AS s(i)`,
    ...idColumnsDay(at, PAD_ROWS),
    ...numberValuesDay(at, 'NUMERIC'),
    // UUID columns (as text in any case or with braces, which PostgreSQL writes canonical) as the timeuuid and userID.
    'CREATE TABLE ev_uuid (seq INT, ts TIMESTAMPTZ, name TEXT, uid UUID, tu UUID)',
    insertSql(
      'ev_uuid',
      [
        [UUID_A, UUID_A],
        [UUID_B, UUID_A],
        [null, UUID_B],
        [UUID_A.toUpperCase(), `{${UUID_B}}`],
        [UUID_B, null],
        [UUID_A, UUID_A.replaceAll('-', '')],
      ].map(([uid, tu], i) => [i, at(i), 'u', uid, tu]),
    ),
    'CREATE TABLE ev_ms (seq INT, ts BIGINT, usr TEXT)',
    `INSERT INTO ev_ms SELECT seq, CAST(extract(epoch FROM ts) * 1000 AS BIGINT), usr FROM ev_text`,
    `INSERT INTO ev_ms VALUES (5000, ${Date.parse('2026-10-05T12:00:00Z') / 1000}, '${U}')`,
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
  // The timestamps as text: PostgreSQL's own with `+00` (as in a UTC session), and ISO 8601 with a `Z`.
  [
    { ...base, name: 'ts_text_in', columns },
    "SELECT seq, CAST(ts AT TIME ZONE 'UTC' AS TEXT) || '+00' AS ts, name, value, meta, usr, tu FROM ev_text ORDER BY seq",
  ],
  [
    { ...base, name: 'ts_iso_in', columns },
    `SELECT seq, to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS ts, name, value, meta, usr, tu
     FROM ev_text ORDER BY seq`,
  ],
  // The timestamps as ISO text with an offset: India's local time, and New York's (which is -04 on that day).
  [
    { ...base, name: 'ts_offset_in', columns },
    `SELECT seq, to_char(ts AT TIME ZONE 'Asia/Kolkata', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '+05:30' AS ts, name, value,
       meta, usr, tu FROM ev_text ORDER BY seq`,
  ],
  [
    { ...base, name: 'ts_offset_hours_in', columns },
    `SELECT seq, to_char(ts AT TIME ZONE 'America/New_York', 'YYYY-MM-DD HH24:MI:SS.US') || '-04' AS ts, name, value,
       meta, usr, tu FROM ev_text ORDER BY seq`,
  ],
  // The timestamps as UNIX seconds with a fraction: double precision, and NUMERIC (extract's own type).
  [
    { ...base, name: 'ts_double_in', columns },
    `SELECT seq, CAST(extract(epoch FROM ts) AS DOUBLE PRECISION) AS ts, name, value, meta, usr, tu
     FROM ev_text ORDER BY seq`,
  ],
  [
    { ...base, name: 'ts_numeric_in', columns },
    'SELECT seq, extract(epoch FROM ts) AS ts, name, value, meta, usr, tu FROM ev_text ORDER BY seq',
  ],
  [{ ...base, name: 'late_in', columns }, 'SELECT * FROM ev_late ORDER BY seq'],
  [{ ...base, name: 'clean_in', columns }, 'SELECT * FROM ev_clean ORDER BY seq'],
  [{ ...base, name: 'unique_in', columns }, "SELECT * FROM ev_clean WHERE tu <> 'clean-7' OR seq = 7 ORDER BY seq"],
  ...idColumnsMappings(base),
  [
    { ...base, name: 'ms_in', columns: { timestamp: 'ts', event_name: { constant: 'a constant name' }, user: 'usr' } },
    'SELECT * FROM ev_ms ORDER BY seq',
  ],
  [
    {
      ...base,
      name: 'big_in',
      columns: { timestamp: 'ts', event_name: 'name', event_metadata: 'meta', user: 'usr', timeuuid: 'tu' },
    },
    'SELECT seq, ts, name, meta, usr, tu FROM ev_big ORDER BY seq',
  ],
];

const uuidMapping: [EventsMapping, string] = [
  { ...base, name: 'uuid_in', columns: { timestamp: 'ts', event_name: 'name', userID: 'uid', timeuuid: 'tu' } },
  'SELECT * FROM ev_uuid ORDER BY seq',
];

/** The mapping's day loaded on both paths (twice in bulk) leaves the same events, rejects, duplicates and counts. */
async function expectSameDayBothWays(contexts: BothPaths<EngineContext>, name: string) {
  const results: Record<string, DayResult> = {};
  for (const path of ['columnar', 'rows'] as const) {
    results[path] = await ingestDay(contexts[path], name, DAY);
    expect(results[path].path).toBe(path);
    // Loading the day twice in bulk leaves the contents of the row path's one load (a reload
    // on the row path is test/engine/ingest-matrix.test.ts's).
    if (path === 'columnar') await ingestDay(contexts[path], name, DAY);
  }
  expect(results.rows.status).toBe('succeeded');
  expect(results.rows.rowsLoaded).toBeGreaterThan(PAD_ROWS / 2);
  expect(comparable(results.columnar)).toEqual(comparable(results.rows));
  expect(Object.keys(results.columnar.rejectExamples)).toEqual(Object.keys(results.rows.rejectExamples));
  const [columnar, rows] = [await eventsContents(contexts.columnar, name), await eventsContents(contexts.rows, name)];
  expect(columnar.rejects.length).toBe(results.rows.rowsRejected);
  expect(columnar.events.length).toBe(results.rows.rowsLoaded);
  expect(columnar).toEqual(rows);
}

describe('columnar events path vs row path (PostgreSQL → DuckDB)', () => {
  const contexts: Record<'columnar' | 'rows', EngineContext> = {} as never;
  let source: SourceConfig;

  beforeAll(async () => {
    source = await seededSource('postgres', statements());
    for (const path of ['columnar', 'rows'] as const) {
      const project = makeProject(
        tempDir(),
        [source],
        [...mappings, ...numberValuesMappings(base), uuidMapping].map(([m, sql]) => loadedMapping(m, sql, 1)),
      );
      const store = await freshStore('duckdb');
      // More threads than files, so a file is read by several whatever the machine's cores.
      await store.exec('SET threads = 4');
      contexts[path] = {
        ...engineContext(project, store),
        columnar: path === 'columnar',
        batchSize: 2000,
      };
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
    (name) => expectSameDayBothWays(contexts, name),
    60_000,
  );

  it('the messy text day breaks every rule its columns can break, and drops the repeated timeuuids', async () => {
    const result = await ingestDay(contexts.columnar, 'text_in', DAY);
    expect(Object.keys(result.rejectReasons).sort()).toEqual([
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
    // tu-1, tu-35, tu-57, tu-58 and the padding's 5,000 repeats across files; rejected rows (tu-5's two) do not count.
    expect(result.duplicates).toBe(1 + 1 + 1 + 1 + (PAD_ROWS - 15_000));
    const kept = await contexts.columnar.store.query(
      `SELECT event_name, event_metadata FROM events WHERE ingestion = 'text_in' AND timeuuid IN ('tu-35', 'tu-5', 'tu-1') ORDER BY ALL`,
    );
    expect(kept).toEqual([
      { event_name: 'first_kept', event_metadata: '{"n":"1"}' },
      { event_name: 'kept_after_reject', event_metadata: null },
      { event_name: 'page_view', event_metadata: '{"a":"b"}' },
    ]);
  }, 60_000);

  it('a day loaded all in bulk drops the timeuuids it repeats within and across its files; one without, none', async () => {
    const repeated = await ingestDay(contexts.columnar, 'clean_in', DAY);
    expect([repeated.duplicates, repeated.rowsLoaded, repeated.rowsRejected]).toEqual([3, CLEAN_ROWS - 3, 0]);
    const kept = await contexts.columnar.store.query(
      `SELECT event_name FROM events WHERE ingestion = 'clean_in' AND timeuuid = 'clean-7'`,
    );
    // The first of the four (i = 7), not those of i = 10,007, 20,007 or 30,007.
    expect(kept).toEqual([{ event_name: 'clean_7' }]);
    const unique = await ingestDay(contexts.columnar, 'unique_in', DAY);
    expect([unique.duplicates, unique.rowsLoaded]).toEqual([0, CLEAN_ROWS - 3]);
  }, 60_000);

  it.each(numberValuesMappings(base).map(([m]) => m.name))(
    '%s (numbers as event_value or ids): identical events, rejects, counts; plain decimals JavaScript writes alike in bulk',
    async (name) => {
      const results: Record<string, DayResult> = {};
      const checked = await checkedDoubles(
        async () => (results.columnar = await ingestDay(contexts.columnar, name, DAY)),
      );
      // The same rows as an id: the NUMERIC column's odd values are the double column's.
      if (name === 'dbl_in' || name === 'dbl_ids_in') expect(checked).toEqual(ROW_PATH_DOUBLES);
      results.rows = await ingestDay(contexts.rows, name, DAY);
      expect([results.columnar.path, results.rows.path]).toEqual(['columnar', 'rows']);
      expect(results.rows.rowsLoaded).toBe(16);
      expect(comparable(results.columnar)).toEqual(comparable(results.rows));
      expect(await eventsContents(contexts.columnar, name)).toEqual(await eventsContents(contexts.rows, name));
    },
    60_000,
  );

  it('text and number timestamps load in bulk: the same rows reach the row path as with the TIMESTAMPTZ column', async () => {
    const checkedOneByOne = async (name: string) => {
      const { result, rows } = await rowsCheckedOneByOne(() => ingestDay(contexts.columnar, name, DAY));
      expect(result).toMatchObject({ path: 'columnar' });
      return rows.map((row) => row.seq);
    };
    const reference = await checkedOneByOne('text_in');
    expect(reference.length).toBeLessThan(MESSY.length);
    expect(await checkedOneByOne('ts_text_in')).toEqual(reference);
    expect(await checkedOneByOne('ts_iso_in')).toEqual(reference);
    expect(await checkedOneByOne('ts_offset_in')).toEqual(reference);
    expect(await checkedOneByOne('ts_offset_hours_in')).toEqual(reference);
    // A number is rounded to the millisecond (a timestamp truncated): the day's last microsecond, row
    // 100, becomes the next day's first instant, which the row path's checks decide.
    const rounded = [...reference, 100].sort((a, b) => Number(a) - Number(b));
    expect(await checkedOneByOne('ts_double_in')).toEqual(rounded);
    expect(await checkedOneByOne('ts_numeric_in')).toEqual(rounded);
  }, 60_000);

  it('UUID columns as timeuuid and userID load in bulk, repeats dropped as the row path drops them', async () => {
    const results: Record<string, DayResult> = {};
    const checked = await rowsCheckedOneByOne(() => ingestDay(contexts.columnar, 'uuid_in', DAY));
    results.columnar = checked.result;
    // Only the row without a userID (rejected: no id).
    expect(checked.rows.map((row) => row.uid)).toEqual([null]);
    results.rows = await ingestDay(contexts.rows, 'uuid_in', DAY);
    expect([results.columnar.path, results.rows.path]).toEqual(['columnar', 'rows']);
    expect(results.rows).toMatchObject({ rowsLoaded: 3, rowsRejected: 1, duplicates: 2 });
    expect(comparable(results.columnar)).toEqual(comparable(results.rows));
    expect(await eventsContents(contexts.columnar, 'uuid_in')).toEqual(await eventsContents(contexts.rows, 'uuid_in'));
  });

  it('a user built from id columns: only rows without an id, or with one JSON.stringify escapes, reach the row path', async () => {
    const { result, rows } = await rowsCheckedOneByOne(() => ingestDay(contexts.columnar, 'ids_in', DAY));
    expect(result).toMatchObject({ status: 'succeeded', path: 'columnar' });
    expect(rows.map((row) => row.tu).sort()).toEqual([...ID_ROWS_FOR_THE_ROW_PATH].sort());
    const stored = await contexts.columnar.store.query(
      `SELECT timeuuid, "user", user_id, custom_ids FROM events WHERE ingestion = 'ids_in' AND timeuuid IN ('id-1', 'id-8', 'id-14') ORDER BY ALL`,
    );
    expect(stored).toEqual([
      {
        timeuuid: 'id-1',
        user: '{"userID":"u1","customIDs":{"stableID":"s1","companyID":"5"}}',
        user_id: 'u1',
        custom_ids: '{"stableID":"s1","companyID":"5"}',
      },
      {
        timeuuid: 'id-14',
        user: '{"userID":"\u{1F600}\u00e9\u2028","customIDs":{"stableID":"k \u00fc","companyID":"-42"}}',
        user_id: '\u{1F600}\u00e9\u2028',
        custom_ids: '{"stableID":"k \u00fc","companyID":"-42"}',
      },
      { timeuuid: 'id-8', user: '{"customIDs":{"companyID":"7"}}', user_id: null, custom_ids: '{"companyID":"7"}' },
    ]);
  }, 60_000);
});

describe("columnar events path vs row path (Redshift → DuckDB): the plain query's rows in bulk", () => {
  let contexts: BothPaths<EngineContext>;
  // The messy day as text and as JSON columns, from the same server read as a `redshift` source
  // (Redshift speaks PostgreSQL's protocol), whose bulk export is a plain query, not COPY.
  const loaded = mappings.filter(([m]) => m.name === 'text_in' || m.name === 'json_in');

  beforeAll(async () => {
    const source = { ...(await seededSource('postgres', statements())), kind: 'redshift' } as SourceConfig;
    const loadedMappings = loaded.map(([m, sql]) => loadedMapping(m, sql, 1));
    contexts = await bothPathContexts([source], loadedMappings, { store: 'duckdb' });
  }, 60_000);
  afterAll(() => closeBothPaths(contexts));

  it.each(loaded.map(([m]) => m.name))(
    '%s: identical events, rejects, duplicates, counts and examples',
    (name) => expectSameDayBothWays(contexts, name),
    60_000,
  );
});

describe('columnar events path vs row path, users built from id columns and numbers (DuckDB source → DuckDB store)', () => {
  const contexts: Record<'columnar' | 'rows', EngineContext> = {} as never;

  beforeAll(async () => {
    const source = await seededSource('duckdb', [
      ...idColumnsDay((i) => `${IN_DAY}.${i}+00`, PAD_ROWS),
      ...numberValuesDay((i) => `${IN_DAY}.${i}+00`, 'TEXT'),
    ]);
    const columns = {
      timestamp: 'ts',
      event_name: 'name',
      customIDs: { stableID: 'stable', 7: 'company' },
      timeuuid: 'tu',
    };
    const numericIdType: [EventsMapping, string] = [
      { ...base, name: 'numeric_id_type', columns },
      'SELECT * FROM ev_ids',
    ];
    // DECIMAL values, of DuckDB's default width and a wide one (NaN and values too wide are NULL); the
    // wide one also holds a value DuckDB's own conversion to a double rounds twice (to ...590, not ...600).
    const decimals = [18, 38].map((width): [EventsMapping, string] => [
      { ...base, name: `decimal_${width}_in`, columns: { ...NUMBER_COLUMNS, event_value: 'dd' } },
      `SELECT seq, ts, name, TRY_CAST(dec AS DECIMAL(${width}, ${width === 18 ? 3 : 10})) AS dd, usr, tu FROM ev_num
       ${width === 38 ? "UNION ALL SELECT 100, ts, name, 42211417170740596.7132983296, usr, 'num-wide' FROM ev_num WHERE seq = 0" : ''}`,
    ]);
    // Nanosecond timestamps (as parquet files from pandas and Spark hold them), a little past each millisecond.
    const nanos: [EventsMapping, string] = [
      { ...base, name: 'ts_ns_in', columns: { ...NUMBER_COLUMNS, event_value: 'dbl' } },
      'SELECT seq, make_timestamp_ns(epoch_ns(ts) + seq * 1234567) AS ts, name, dbl, usr, tu FROM ev_num',
    ];
    const loaded = [...idColumnsMappings(base), ...numberValuesMappings(base), numericIdType, ...decimals, nanos].map(
      ([m, sql]) => loadedMapping(m, sql, 1),
    );
    for (const path of ['columnar', 'rows'] as const)
      contexts[path] = {
        ...engineContext(makeProject(tempDir(), [source], loaded), await freshStore('duckdb')),
        columnar: path === 'columnar',
      };
  }, 60_000);
  afterAll(async () => {
    for (const ctx of Object.values(contexts)) {
      await ctx.connectors.closeAll();
      await ctx.store.close();
    }
  });

  it('an integer-like id type loads in bulk, written first as JavaScript orders it', async () => {
    const results: Record<string, DayResult> = {};
    for (const path of ['columnar', 'rows'] as const) {
      results[path] = await ingestDay(contexts[path], 'numeric_id_type', DAY);
      expect(results[path]).toMatchObject({ status: 'succeeded', path });
    }
    expect(comparable(results.columnar)).toEqual(comparable(results.rows));
    const contents = await eventsContents(contexts.columnar, 'numeric_id_type');
    expect(contents).toEqual(await eventsContents(contexts.rows, 'numeric_id_type'));
    const [{ user }] = await contexts.columnar.store.query<{ user: string }>(
      `SELECT "user" FROM events WHERE ingestion = 'numeric_id_type' AND timeuuid = 'id-1' LIMIT 1`,
    );
    expect(user).toBe('{"customIDs":{"7":"5","stableID":"s1"}}');
  });

  it.each(['dbl_in', 'dbl_ids_in'])(
    '%s: whole doubles load in bulk, only NaN, the infinities and exponent texts reach the row path',
    async (name) => {
      const load = async () =>
        expect(await ingestDay(contexts.columnar, name, DAY)).toMatchObject({ path: 'columnar' });
      // A DuckDB source writes whole doubles as `5.0`, which the store reads as the row path writes them.
      expect(await checkedDoubles(load)).toEqual(ROW_PATH_DOUBLES);
    },
  );

  const numbers = ['dbl_in', 'dec_in', 'rl_in', 'dbl_ids_in', 'decimal_18_in', 'decimal_38_in', 'ts_ns_in'];
  it.each(['ids_in', 'custom_ids_in', ...numbers])(
    '%s: identical events, rejects, duplicates, counts and examples',
    async (name) => {
      const results: Record<string, DayResult> = {};
      for (const path of ['columnar', 'rows'] as const) {
        results[path] = await ingestDay(contexts[path], name, DAY);
        expect(results[path]).toMatchObject({ status: 'succeeded', path });
      }
      expect(results.rows.rowsLoaded).toBeGreaterThanOrEqual(numbers.includes(name) ? 16 : PAD_ROWS / 2);
      expect(comparable(results.columnar)).toEqual(comparable(results.rows));
      expect(await eventsContents(contexts.columnar, name)).toEqual(await eventsContents(contexts.rows, name));
    },
    60_000,
  );
});
