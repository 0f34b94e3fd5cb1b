/**
 * BigQuery RECORD and REPEATED fields (the real SDK against the protocol fake on 127.0.0.1,
 * which returns them as the API does: `{v: {f: […]}}` and `{v: [{v}, …]}`) on the columnar
 * path, against the row path, into both stores: a RECORD user with a RECORD of customIDs, a
 * RECORD of properties as metadata, a RECORD with INT64, FLOAT64 (NaN, the infinities, -0,
 * exponents), BOOL, TIMESTAMP and REPEATED members, a REPEATED RECORD of parameters (as
 * Google Analytics exports them) as metadata, and metrics beside RECORD, REPEATED, BYTES and
 * TIME columns nobody maps (`SELECT *`). Both paths must leave identical events, metrics, rejects, counts
 * and examples.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventsMapping, MetricsMapping } from '../../framework/config/types.js';
import type { EngineContext } from '../../framework/engine/types.js';
import { bothPathContexts, closeBothPaths, loadBothPaths, type BothPaths } from '../support/both-paths.js';
import { loadedMapping } from '../support/engine-fixture.js';
import { eventsContents } from '../support/events-contents.js';
import { contents } from '../support/messy-metrics-day.js';
import { rowsCheckedOneByOne } from '../support/rows-checked.js';
import { bigqueryWarehouse, type Warehouse } from '../support/warehouse-fakes.js';

const DAY = '2026-10-05';
const PAD_ROWS = 400;

const USER_TYPE = 'STRUCT("userID" VARCHAR, "customIDs" STRUCT("stableID" VARCHAR, "teamID" BIGINT))';
const MIXED_TYPE = 'STRUCT(page VARCHAR, hits BIGINT, score DOUBLE, ok BOOLEAN, "at" TIMESTAMPTZ, tags VARCHAR[])';

/** usr, meta (page, ref), mixed: the messy rows, at 09:00:00 + i seconds UTC. */
const MESSY: [string, string, string][] = [
  [`{'userID': 'u1', 'customIDs': {'stableID': 's1', 'teamID': 7}}`, `{'page': '/home', 'ref': 'ad'}`, 'NULL'],
  [`{'userID': NULL, 'customIDs': {'stableID': 's2', 'teamID': NULL}}`, `{'page': NULL, 'ref': NULL}`, 'NULL'],
  [`{'userID': NULL, 'customIDs': NULL}`, `{'page': '/p', 'ref': 'x'}`, 'NULL'],
  [`{'userID': 'u4', 'customIDs': {'stableID': NULL, 'teamID': 9007199254740993}}`, 'NULL', 'NULL'],
  [`{'userID': 'say "hi"', 'customIDs': NULL}`, `{'page': 'a' || chr(10) || 'b', 'ref': 'tab' || chr(9)}`, 'NULL'],
  [`{'userID': '', 'customIDs': {'stableID': '', 'teamID': -0}}`, `{'page': 'é😀', 'ref': '\\N'}`, 'NULL'],
  ['NULL', `{'page': '/p', 'ref': 'x'}`, 'NULL'],
  [
    `{'userID': 'u8', 'customIDs': NULL}`,
    `{'page': '/p', 'ref': 'x'}`,
    `{'page': '/m', 'hits': 3, 'score': 1.5, 'ok': true, 'at': TIMESTAMPTZ '${DAY} 09:00:00.123456+00', 'tags': NULL}`,
  ],
  [
    `{'userID': 'u9', 'customIDs': NULL}`,
    `{'page': '/p', 'ref': 'x'}`,
    `{'page': '/m', 'hits': NULL, 'score': 'nan', 'ok': false, 'at': NULL, 'tags': NULL}`,
  ],
  [
    `{'userID': 'u10', 'customIDs': NULL}`,
    `{'page': '/p', 'ref': 'x'}`,
    `{'page': '/m', 'hits': 9007199254740993, 'score': '-inf', 'ok': NULL, 'at': NULL, 'tags': NULL}`,
  ],
  [
    `{'userID': 'u11', 'customIDs': NULL}`,
    `{'page': '/p', 'ref': 'x'}`,
    `{'page': '/m', 'hits': -1, 'score': -0.0, 'ok': NULL, 'at': NULL, 'tags': NULL}`,
  ],
  [
    `{'userID': 'u12', 'customIDs': NULL}`,
    `{'page': '/p', 'ref': 'x'}`,
    `{'page': '/m', 'hits': 0, 'score': 1e300, 'ok': NULL, 'at': NULL, 'tags': NULL}`,
  ],
  [
    `{'userID': 'u13', 'customIDs': NULL}`,
    `{'page': '/p', 'ref': 'x'}`,
    `{'page': '/m', 'hits': 0, 'score': 0.1, 'ok': NULL, 'at': NULL, 'tags': ['a', 'b']}`,
  ],
];

/** ev_rec (events, with a REPEATED string and a REPEATED RECORD of parameters) and m_rec (metrics). */
const STATEMENTS = [
  `CREATE TABLE ev_rec (seq INT, ts TIMESTAMPTZ, name VARCHAR, usr ${USER_TYPE},
     meta STRUCT(page VARCHAR, ref VARCHAR), mixed ${MIXED_TYPE}, tags VARCHAR[],
     params STRUCT("key" VARCHAR, "value" STRUCT(string_value VARCHAR, int_value BIGINT))[], tu VARCHAR)`,
  `INSERT INTO ev_rec VALUES ${MESSY.map(
    ([usr, meta, mixed], i) =>
      `(${i}, TIMESTAMPTZ '${DAY} 09:00:00+00' + INTERVAL ${i} SECOND, 'messy ${i}', ${usr}, ${meta}, ${mixed},
        ['t${i}'], [{'key': 'k', 'value': {'string_value': 'v', 'int_value': ${i}}}], 'tu-${i}')`,
  ).join(', ')}`,
  `INSERT INTO ev_rec SELECT 1000 + i, TIMESTAMPTZ '${DAY} 10:00:00+00' + i * INTERVAL 1 SECOND, 'pad ' || (i % 7),
     {'userID': 'p' || i, 'customIDs': {'stableID': 's' || (i % 300), 'teamID': i % 11}},
     {'page': '/p/' || (i % 13), 'ref': 'x'},
     {'page': '/m/' || (i % 5), 'hits': i, 'score': i / 8, 'ok': i % 2 = 0,
      'at': TIMESTAMPTZ '${DAY} 10:00:00+00' + i * INTERVAL 1 MILLISECOND, 'tags': NULL},
     CASE WHEN i % 4 = 0 THEN [] ELSE ['a', 'b' || i] END,
     [{'key': 'page', 'value': {'string_value': '/p', 'int_value': NULL}}], 'pad-' || (i % 300)
     FROM range(${PAD_ROWS}) AS s(i)`,
  // The user of string ids only (a number id, as a NULL one, is the row path's).
  `ALTER TABLE ev_rec ADD COLUMN usr_text STRUCT("userID" VARCHAR, "customIDs" STRUCT("stableID" VARCHAR))`,
  `UPDATE ev_rec SET usr_text = CASE WHEN usr IS NOT NULL THEN {'userID': usr.userID,
     'customIDs': CASE WHEN usr.customIDs IS NOT NULL THEN {'stableID': usr.customIDs.stableID} END} END`,
  `CREATE TABLE m_rec (seq INT, unit_id VARCHAR, id_type VARCHAR, ds DATE, metric VARCHAR, value DOUBLE,
     tags VARCHAR[], info STRUCT(k VARCHAR, v BIGINT[], w DOUBLE), raw BLOB, clock TIME)`,
  `INSERT INTO m_rec SELECT i, CASE WHEN i % 97 = 0 THEN '' ELSE 'u' || i END, 'user_id', DATE '${DAY}',
     'm' || (i % 5), CASE WHEN i % 89 = 0 THEN 'nan' ELSE i / 4 END, ['x', 'y'],
     {'k': 'x', 'v': [1, 2], 'w': CASE WHEN i % 7 = 0 THEN 'nan'::DOUBLE ELSE i END},
     CASE WHEN i % 3 > 0 THEN from_hex(md5(CAST(i AS VARCHAR))[:CAST(i % 12 AS INTEGER)]) END,
     CASE WHEN i % 5 > 0 THEN TIME '00:00:00.000001' + i * INTERVAL 1 SECOND END FROM range(400) AS s(i)`,
  // BYTES at the top, as API's base64 text.
  `ALTER TABLE ev_rec ADD COLUMN raw BLOB`,
  `UPDATE ev_rec SET raw = from_hex(md5(CAST(seq AS VARCHAR))[:CAST(seq % 9 AS INTEGER)])`,
];

const base = { source: 'src', sql: './q.sql', schedule: 'daily', startDate: DAY };
const EVENT_COLUMNS = { timestamp: 'ts', event_name: 'name', user: 'usr', timeuuid: 'tu' };
const eventMappings: EventsMapping[] = [
  { ...base, dataset: 'events', name: 'record_user', columns: { ...EVENT_COLUMNS, event_metadata: 'meta' } },
  {
    ...base,
    dataset: 'events',
    name: 'record_text_ids',
    columns: { ...EVENT_COLUMNS, user: 'usr_text', event_metadata: 'meta' },
  },
  // Numbers, booleans and timestamps become strings; NaN and -0 as the row path writes them; a list is rejected.
  { ...base, dataset: 'events', name: 'record_mixed', columns: { ...EVENT_COLUMNS, event_metadata: 'mixed' } },
  // A REPEATED RECORD is a list, not an object: every row is rejected, the same way.
  { ...base, dataset: 'events', name: 'repeated_params', columns: { ...EVENT_COLUMNS, event_metadata: 'params' } },
];
const metricsMapping: MetricsMapping = {
  ...base,
  dataset: 'metrics',
  name: 'metrics_beside_records',
  columns: { unit_id: 'unit_id', id_type: 'id_type', date: 'ds', metric_name: 'metric', metric_value: 'value' },
};

describe.each(['duckdb', 'postgres'] as const)(
  'BigQuery RECORD and REPEATED fields: columnar vs row path (%s store)',
  (storeKind) => {
    let contexts: BothPaths<EngineContext>;
    let warehouse: Warehouse;

    beforeAll(async () => {
      warehouse = await bigqueryWarehouse(STATEMENTS);
      const loaded = [
        ...eventMappings.map((m) => loadedMapping(m, 'SELECT * FROM ev_rec ORDER BY seq', 1)),
        loadedMapping(metricsMapping, 'SELECT * FROM m_rec ORDER BY seq', 1),
      ];
      contexts = await bothPathContexts([warehouse.source], loaded, {
        store: storeKind,
        opener: () => warehouse.open(),
      });
    });
    afterAll(async () => {
      await closeBothPaths(contexts);
      await warehouse?.close();
    });

    const loadBothWays = (name: string) => loadBothPaths(contexts, name, DAY);

    it.each(eventMappings.map((m) => m.name))('%s: identical events, rejects, counts and examples', async (name) => {
      const { rows } = await loadBothWays(name);
      expect(rows.rowsLoaded + rows.rowsRejected + rows.duplicates).toBe(MESSY.length + PAD_ROWS);
      expect(await eventsContents(contexts.columnar, name)).toEqual(await eventsContents(contexts.rows, name));
    });

    it('metrics beside RECORD and REPEATED columns it does not map: identical metrics, rejects and counts', async () => {
      const { rows } = await loadBothWays(metricsMapping.name);
      expect(rows.rowsRejected).toBeGreaterThan(0);
      expect(await contents(contexts.columnar, metricsMapping.name)).toEqual(
        await contents(contexts.rows, metricsMapping.name),
      );
    });

    it('a RECORD user and metadata load in bulk: only the messy rows reach the row path', async () => {
      const { result, rows } = await rowsCheckedOneByOne(() => loadBothWays('record_text_ids'));
      expect(result.columnar.rowsLoaded).toBeGreaterThan(300);
      // Every messy row but the first: a NULL member (userID, customIDs, an id), an empty or escaped id, no user.
      const messy = MESSY.map((_, i) => i).slice(1);
      expect(rows.map((row) => Number(row.seq)).sort((a, b) => a - b)).toEqual(messy);
    });
  },
);
