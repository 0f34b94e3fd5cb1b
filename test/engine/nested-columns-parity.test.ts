/**
 * Nested columns of DuckDB files and S3 parquet (STRUCT, MAP, LIST, as Spark and most lakes
 * write event properties and users) on the columnar path, against the row path: events whose
 * metadata is a MAP(VARCHAR, VARCHAR) or a STRUCT and whose user is a STRUCT with a MAP of
 * customIDs, and metrics from a query with nested columns it does not map (`SELECT *` over
 * such files). Both paths must leave identical events, metrics, rejects, counts and examples;
 * the messy rows hold what JavaScript writes differently from DuckDB's JSON (an integer-like
 * key, an escaped character), NULLs inside and outside the values, empty maps and users
 * without an id; a list of JSON values rides along into the rejects, as text as the row path has it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventsMapping, MetricsMapping, SourceConfig } from '../../framework/config/types.js';
import type { EngineContext } from '../../framework/engine/types.js';
import { bothPathContexts, closeBothPaths, loadBothPaths, type BothPaths } from '../support/both-paths.js';
import { loadedMapping, seededSource } from '../support/engine-fixture.js';
import { eventsContents } from '../support/events-contents.js';
import { contents } from '../support/messy-metrics-day.js';
import { rowsCheckedOneByOne } from '../support/rows-checked.js';
import { parquetS3Sources, type ParquetTables } from '../support/s3-parquet-sources.js';
import { startS3Server, type S3TestServer } from '../support/s3-server.js';

const DAY = '2026-10-05';
const BUCKET = 'nested';
const PAD_ROWS = 3000;

/** props (a MAP literal), usr (a STRUCT literal): the messy rows, at 09:00:00 + i seconds UTC. */
const MESSY: [string, string][] = [
  [`MAP {'page': '/home', 'ref': 'ad'}`, `{'userID': 'u1', 'customIDs': MAP {'stableID': 's1'}}`],
  [`MAP {}`, `{'userID': 'u2', 'customIDs': MAP {}}`],
  ['NULL', `{'userID': NULL, 'customIDs': MAP {'stableID': 's3'}}`],
  [`MAP {'b': 'y', '1': 'x'}`, `{'userID': 'u4', 'customIDs': NULL}`],
  [`MAP {'q': 'say "hi"', 'nl': 'a' || chr(10) || 'b'}`, `{'userID': 'u5', 'customIDs': MAP {'k': 'v'}}`],
  [`MAP {'n': NULL}`, `{'userID': 'u6', 'customIDs': MAP {'k': 'v'}}`],
  [`MAP {'a': 'b'}`, 'NULL'],
  [`MAP {'a': 'b'}`, `{'userID': '', 'customIDs': NULL}`],
  [`MAP {'é': '😀', 'url': 'http://127.0.0.1/?a=b, c [d] {e}'}`, `{'userID': 'u\tx', 'customIDs': NULL}`],
  [`MAP {'a': 'b'}`, `{'userID': 'ü😀', 'customIDs': MAP {'__proto__': 'p', 'k': ''}}`],
];

const USER_TYPE = 'STRUCT("userID" VARCHAR, "customIDs" MAP(VARCHAR, VARCHAR))';

/**
 * JSON-typed metadata as DuckDB keeps it (the text as written), on rows of clean users:
 * spaces between tokens, which the store takes out, and what DuckDB's lenient reader
 * normalizes but JavaScript's JSON.parse refuses or reads otherwise (a trailing comma, an
 * exponent; a comment and a raw tab in a string, which DuckDB refuses too: NULL); and
 * pretty-printed JSON over several lines.
 */
const JSON_TEXTS = [
  '{"page": "/home", "ref" : "a b , c"}',
  '{"a":"b",}',
  '{"n":1E2}',
  '{ }',
  '{"a":"b"}',
  '{"k": "v" }  ',
  '{"a":"b" /* c */}',
  '[ "x" ]',
  '{"a":"1","a":"2"}',
  '{"é": "😀 ,"}',
  // Pretty-printed, as Snowflake writes a VARIANT: new lines (escaped in the export), indents, a tab, CR LF.
  '{\n  "page": "/home",\n  "ref": "a b"\n}',
  '{\r\n\t"page": "/p",\r\n\t"ref": "x"\r\n}',
  '{\n  "a": "x\ty"\n}',
  '{\n  "a": "b",\n}',
  '{\n  "a": "\\u00e9"\n}',
];

/** An ENUM member of the page STRUCT, its labels with a quote of each kind. */
const PAGE_KIND = `ENUM('home', 'it''s', 'x "y"')`;

/** ev_nested (events) and m_nested (metrics, with nested columns nobody maps). */
const STATEMENTS = [
  `CREATE TABLE ev_nested (seq INT, ts TIMESTAMPTZ, name VARCHAR, props MAP(VARCHAR, VARCHAR), usr ${USER_TYPE},
     page STRUCT(path VARCHAR, hits INTEGER, score DOUBLE, price DECIMAL(38, 10), clock TIME, kind ${PAGE_KIND}), tags VARCHAR[], tu VARCHAR, extra JSON[], jmeta JSON,
     acct STRUCT("userID" VARCHAR, account BIGINT, since DATE))`,
  `INSERT INTO ev_nested VALUES ${MESSY.map(
    ([props, usr], i) =>
      `(${i}, TIMESTAMPTZ '${DAY} 09:00:00+00' + INTERVAL ${i} SECOND, 'messy ${i}', ${props}, ${usr},
        {'path': '/p/${i}', 'hits': ${i}, 'score': ${['1.5', "'nan'", "'-inf'", '1e300', '-0.0', '0.1', '100', 'NULL', '2e16', '0.9876543210987654'][i % 10]},
          'price': ${['12.5', '31263197655167718925.2326217789', '-0.0000000001', 'NULL', '100'][i % 5]},
          'clock': ${["'24:00:00'", "'00:00:00.5'", 'NULL', "'12:34:56.123456'"][i % 4]},
          'kind': ${["'home'", "'it''s'", 'NULL', `'x "y"'`][i % 4]}}, ['t${i}', NULL], 'tu-${i}', ['{"a": [1, "x"]}'::JSON], NULL,
        {'userID': 'a${i}', 'account': ${['9007199254740993', '-9007199254740993', '9007199254740991', '1234567890123456', 'NULL'][i % 5]},
         'since': ${["'infinity'", "'0000-06-01'", "'0044-03-15 (BC)'", "'12345-01-01'", 'NULL'][i % 5]}})`,
  ).join(', ')}`,
  `INSERT INTO ev_nested SELECT 1000 + i, TIMESTAMPTZ '${DAY} 10:00:00+00' + i * INTERVAL 1 SECOND, 'pad ' || (i % 7),
     MAP {'page': '/p/' || (i % 13), 'ref': 'x'}, {'userID': 'p' || i, 'customIDs': MAP {'stableID': 's' || i}},
     {'path': '/p/' || i, 'hits': i, 'score': i / 8, 'price': CAST(i AS DECIMAL(38, 10)) / 100,
      'clock': TIME '00:00:00' + i * INTERVAL 1 SECOND, 'kind': 'home'}, ['a', 'b' || i], 'pad-' || (i % 2500), NULL,
     CASE WHEN i % 50 < ${JSON_TEXTS.length} THEN TRY_CAST(list_element([${JSON_TEXTS.map((t) => `'${t.replace(/'/g, "''")}'`).join(', ')}], CAST(i % 50 AS INTEGER) + 1) AS JSON)
       ELSE CAST('{"page": "/p/' || (i % 13) || '"}' AS JSON) END,
     {'userID': 'p' || i, 'account': i * 1000003, 'since': DATE '2020-01-01' + CAST(i AS INTEGER)}
     FROM range(${PAD_ROWS}) AS s(i)`,
  // BLOB and TIME columns at the top, nobody maps (the client's text of them on both paths).
  `ALTER TABLE ev_nested ADD COLUMN raw BLOB`,
  `ALTER TABLE ev_nested ADD COLUMN clock TIME`,
  `UPDATE ev_nested SET raw = from_hex(md5(CAST(seq AS VARCHAR))[:CAST(seq % 9 AS INTEGER)]) || encode('\\"'),
     clock = TIME '00:00:00' + seq * INTERVAL 1 SECOND`,
  // UUID and ENUM columns the mappings below read as text: a timeuuid and an event name, a unit id and an id type.
  `ALTER TABLE ev_nested ADD COLUMN tid UUID`,
  `ALTER TABLE ev_nested ADD COLUMN kind ENUM('page view', 'click', 'x')`,
  `UPDATE ev_nested SET tid = CASE WHEN seq % 11 > 0 THEN CAST(md5(CAST(seq // 2 AS VARCHAR)) AS UUID) END,
     kind = CASE seq % 3 WHEN 0 THEN 'page view' WHEN 1 THEN 'click' END`,
  `CREATE TABLE m_nested (seq INT, unit_id VARCHAR, id_type VARCHAR, ds DATE, metric VARCHAR, value DOUBLE,
     tags VARCHAR[], attrs MAP(VARCHAR, INTEGER), info STRUCT(k VARCHAR, v SMALLINT[], w DOUBLE, d DECIMAL(18, 3), t TIME, span INTERVAL, b BLOB),
     raw BLOB, clock TIME)`,
  `INSERT INTO m_nested SELECT i, CASE WHEN i % 97 = 0 THEN '' ELSE 'u' || i END, 'user_id', DATE '${DAY}',
     'm' || (i % 5), CASE WHEN i % 89 = 0 THEN 'nan' ELSE i / 4 END, ['x', NULL], MAP {'a': i}, {'k': 'x', 'v': [1, 2], 'w': CASE WHEN i % 3 = 0 THEN 'nan' ELSE i / 3 END,
       'd': i / 7, 't': TIME '23:59:59' - i * INTERVAL 1 MINUTE, 'span': i * INTERVAL 25 HOUR,
       'b': CASE i % 3 WHEN 0 THEN from_hex('5C00FF') WHEN 1 THEN encode('a"b\\c') END},
     CASE WHEN i % 4 > 0 THEN from_hex(md5(CAST(i AS VARCHAR))[:CAST(i % 12 AS INTEGER)]) END,
     CASE WHEN i % 5 > 0 THEN TIME '00:00:00.000001' + i * INTERVAL 1 SECOND END
     FROM range(2000) AS s(i)`,
  // A HUGEINT column within and far beyond 10^21, which the text-typed mapping reads as metric values (a rejected
  // row's value beyond 10^21 failed the columnar day), and a BIGNUM column nobody maps.
  `ALTER TABLE m_nested ADD COLUMN big HUGEINT`,
  `ALTER TABLE m_nested ADD COLUMN bn BIGNUM`,
  `UPDATE m_nested SET big = CASE seq % 4 WHEN 0 THEN CAST(seq AS HUGEINT)
       WHEN 1 THEN CAST('123456789012345678901234567890' AS HUGEINT) * seq WHEN 2 THEN -CAST(9007199254740993 AS HUGEINT) END,
     bn = CASE WHEN seq % 3 > 0 THEN CAST('-98765432109876543210987654321098765432109876543210' AS BIGNUM) * seq END`,
  `ALTER TABLE m_nested ADD COLUMN uid UUID`,
  `ALTER TABLE m_nested ADD COLUMN kind ENUM('user_id', 'stable id')`,
  `UPDATE m_nested SET uid = CASE WHEN seq % 13 > 0 THEN CAST(md5(CAST(seq AS VARCHAR)) AS UUID) END,
     kind = CASE WHEN seq % 17 > 0 THEN CASE WHEN seq % 2 = 0 THEN 'user_id' ELSE 'stable id' END END`,
];

const base = { source: 'src', sql: './q.sql', schedule: 'daily', startDate: DAY };
const EVENT_COLUMNS = { timestamp: 'ts', event_name: 'name', user: 'usr', timeuuid: 'tu' };
const eventMappings: EventsMapping[] = [
  { ...base, dataset: 'events', name: 'map_props', columns: { ...EVENT_COLUMNS, event_metadata: 'props' } },
  // A STRUCT with INTEGER, DOUBLE (fractions, NaN, the infinities, -0, whole doubles past 2^53), DECIMAL (one
  // that DuckDB's own conversion to DOUBLE rounds twice) and TIME members as metadata: numbers become the row
  // path's strings.
  { ...base, dataset: 'events', name: 'struct_page', columns: { ...EVENT_COLUMNS, event_metadata: 'page' } },
  { ...base, dataset: 'events', name: 'json_meta', columns: { ...EVENT_COLUMNS, event_metadata: 'jmeta' } },
  // A STRUCT user with a BIGINT member, beyond 2^53 on the messy rows (its digits as text on both paths), and a DATE.
  { ...base, dataset: 'events', name: 'bigint_user', columns: { ...EVENT_COLUMNS, user: 'acct' } },
  // A UUID timeuuid (pairs of rows share one: repeats) and an ENUM event name (with a space; some NULL).
  { ...base, dataset: 'events', name: 'uuid_enum', columns: { ...EVENT_COLUMNS, timeuuid: 'tid', event_name: 'kind' } },
];
const metricsMapping: MetricsMapping = {
  ...base,
  dataset: 'metrics',
  name: 'metrics_beside_nested',
  columns: { unit_id: 'unit_id', id_type: 'id_type', date: 'ds', metric_name: 'metric', metric_value: 'value' },
};
// Unit ids from a UUID column, id types from an ENUM, metric names from a TIME (some of each NULL).
const typedTextMapping: MetricsMapping = {
  ...metricsMapping,
  name: 'typed_text_ids',
  columns: { unit_id: 'uid', id_type: 'kind', date: 'ds', metric_name: 'clock', metric_value: 'big' },
};
const TABLE_OF: Record<string, string> = {
  map_props: 'ev_nested',
  struct_page: 'ev_nested',
  json_meta: 'ev_nested',
  bigint_user: 'ev_nested',
  uuid_enum: 'ev_nested',
  metrics_beside_nested: 'm_nested',
  typed_text_ids: 'm_nested',
};

const CASES = [
  ['duckdb', 'duckdb'],
  ['s3', 'duckdb'],
  ['duckdb', 'postgres'],
] as const;

describe.each(CASES)('nested columns: columnar path vs row path (%s source → %s store)', (kind, storeKind) => {
  let contexts: BothPaths<EngineContext>;
  let server: S3TestServer | null = null;

  beforeAll(async () => {
    let sources: SourceConfig[];
    if (kind === 's3') {
      server = await startS3Server();
      const tables: ParquetTables['tables'] = [
        ['ev_nested', 'events'],
        ['m_nested', 'metrics'],
      ];
      sources = await parquetS3Sources(server, { bucket: BUCKET, day: DAY, statements: STATEMENTS, tables });
    } else sources = [await seededSource('duckdb', STATEMENTS)];
    const loaded = [...eventMappings, metricsMapping, typedTextMapping].map((m) =>
      kind === 's3'
        ? loadedMapping({ ...m, source: TABLE_OF[m.name] }, 'SELECT * FROM source', 1)
        : loadedMapping(m, `SELECT * FROM ${TABLE_OF[m.name]} ORDER BY seq`, 1),
    );
    contexts = await bothPathContexts(sources, loaded, { store: storeKind });
  });
  afterAll(async () => {
    await closeBothPaths(contexts);
    await server?.stop();
  });

  const loadBothWays = (name: string) => loadBothPaths(contexts, name, DAY);

  it.each(eventMappings.map((m) => m.name))('%s: identical events, rejects, counts and examples', async (name) => {
    const { rows } = await loadBothWays(name);
    expect(rows.rowsLoaded + rows.rowsRejected + rows.duplicates).toBe(MESSY.length + PAD_ROWS);
    expect(await eventsContents(contexts.columnar, name)).toEqual(await eventsContents(contexts.rows, name));
  });

  it('a MAP of properties is a JSON object; only rows JavaScript writes otherwise reach the row path', async () => {
    const { result, rows } = await rowsCheckedOneByOne(() => loadBothWays('map_props'));
    expect(result.columnar.rowsLoaded).toBeGreaterThan(PAD_ROWS - 600);
    // An integer-like key, an escaped character, a NULL inside a value or as userID, an empty map, no user.
    expect(rows.map((row) => row.seq).sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const [first] = await contexts.columnar.store.query<{ event_metadata: string; user: string }>(
      `SELECT event_metadata, "user" FROM events WHERE ingestion = 'map_props' AND timeuuid = 'tu-0'`,
    );
    expect(first).toEqual({
      event_metadata: '{"page":"/home","ref":"ad"}',
      user: '{"userID":"u1","customIDs":{"stableID":"s1"}}',
    });
  });

  it('JSON-typed metadata with spaces or over several lines loads in bulk; what JavaScript reads otherwise does not', async () => {
    const { rows } = await rowsCheckedOneByOne(() => loadBothWays('json_meta'));
    const padRows = rows.map((row) => Number(row.seq)).filter((seq) => seq >= 1000);
    const texts = [...new Set(padRows.map((seq) => (seq - 1000) % 50))].sort((a, b) => a - b);
    // A trailing comma, an exponent, a list, repeated keys, a trailing comma over lines, JSON escapes over lines.
    expect(texts.map((i) => JSON_TEXTS[i])).toEqual([1, 2, 7, 8, 13, 14].map((i) => JSON_TEXTS[i]));
  });

  it('BIGINT and DATE members load in bulk; only integers beyond 15 digits reach the row path', async () => {
    const { result, rows } = await rowsCheckedOneByOne(() => loadBothWays('bigint_user'));
    expect(result.columnar.rowsLoaded).toBeGreaterThan(PAD_ROWS - 600);
    // The messy rows but those with no account (i % 5 = 4); every pad row's account has at most 10 digits.
    expect(rows.map((row) => Number(row.seq)).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 5, 6, 7, 8]);
    const [big] = await contexts.columnar.store.query<{ user: string }>(
      `SELECT "user" FROM events WHERE ingestion = 'bigint_user' AND timeuuid = 'tu-0'`,
    );
    expect(big.user).toBe('{"userID":"a0","account":"9007199254740993","since":"infinity"}');
  });

  it.each([metricsMapping.name, typedTextMapping.name])(
    'metrics %s: identical metrics, rejects and counts',
    async (name) => {
      const { rows } = await loadBothWays(name);
      expect(rows.rowsRejected).toBeGreaterThan(0);
      expect(await contents(contexts.columnar, name)).toEqual(await contents(contexts.rows, name));
    },
  );

  it('UUID, ENUM and TIME columns are text: the unit id is the UUID, the id type the ENUM label', async () => {
    await loadBothWays(typedTextMapping.name);
    const stored = await contexts.columnar.store.query<{ unit_id: string; id_type: string; metric_name: string }>(
      `SELECT unit_id, id_type, metric_name FROM metrics WHERE ingestion = 'typed_text_ids' ORDER BY unit_id LIMIT 1`,
    );
    expect(stored[0].unit_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(['user_id', 'stable id']).toContain(stored[0].id_type);
    expect(stored[0].metric_name).toMatch(/^\d\d:\d\d:\d\d/);
  });
});
