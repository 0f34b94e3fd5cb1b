/**
 * The columnar events path against the row path for Snowflake and BigQuery (the real SDKs
 * against their protocol fakes on 127.0.0.1) and the Athena, Databricks and Synapse plugins
 * (their real clients against their fakes), into the DuckDB store (the store with a
 * columnar events load): a messy day — names over the limit in emoji, Unicode spaces,
 * escapes, bad and odd JSON, a user without ids, the day's bounds to the microsecond, NULL
 * and repeated timeuuids — leaves identical events, rejects, duplicates, ledger counts and
 * examples both ways; so does a day whose user is built from id columns (events-id-columns.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventsMapping } from '../../framework/config/types.js';
import { closeBothPaths } from '../support/both-paths.js';
import { ingestDay } from '../../framework/engine/ingest-day.js';
import type { DayResult, EngineContext } from '../../framework/engine/types.js';
import {
  engineContext,
  freshStore,
  insertSql,
  loadedMapping,
  makeProject,
  tempDir,
} from '../support/engine-fixture.js';
import { idColumnsDay, idColumnsMappings } from '../support/events-id-columns.js';
import {
  checkedDoubles,
  numberValuesDay,
  numberValuesMappings,
  ROW_PATH_DOUBLES,
} from '../support/events-number-values.js';
import { rowsCheckedOneByOne } from '../support/rows-checked.js';
import { WAREHOUSES, type Warehouse } from '../support/warehouse-fakes.js';

const DAY = '2026-10-05';
const U = '{"userID":"u1","customIDs":{"stableID":"s1"}}';

/** ts (UTC), name, value, metadata, user, timeuuid. */
const ROWS: (string | null)[][] = [
  ['2026-10-05 08:00:00', 'page view', 'v', '{"a":"b"}', U, 'tu-1'],
  ['2026-10-05 09:00:00.123456', 'repeat', 'w', null, U, 'tu-1'],
  ['2026-10-05 09:00:01', '😀'.repeat(100), null, null, U, 'tu-2'],
  ['2026-10-05 09:00:02', '😀'.repeat(128), null, null, U, 'tu-3'],
  ['2026-10-05 09:00:03', 'a\u00a0b\u3000c d', null, null, U, null],
  ['2026-10-05 09:00:04', 'tab\tname\\N', 'back\\slash', null, U, 'tu-4'],
  ['2026-10-05 09:00:05', null, null, null, U, 'tu-5'],
  ['2026-10-05 09:00:06', 'm', null, '[1]', U, 'tu-6'],
  ['2026-10-05 09:00:07', 'm', null, '{"a":1,"b":true}', U, 'tu-7'],
  ['2026-10-05 09:00:08', 'm', null, '{"a":{"b":"c"}}', U, 'tu-8'],
  ['2026-10-05 09:00:09', 'm', null, 'nope', U, 'tu-9'],
  ['2026-10-05 09:00:10', 'u', null, null, '{}', 'tu-10'],
  ['2026-10-05 09:00:11', 'u', null, null, '{"userID":5}', 'tu-11'],
  ['2026-10-05 09:00:12', 'u', null, null, '{"userID":"u","n":1.50}', 'tu-12'],
  ['2026-10-05 09:00:13', 'u', null, null, null, 'tu-13'],
  ['2026-10-06 07:59:59.999999', 'last', null, null, U, 'tu-14'],
  ['2026-10-05 07:59:59.999999', 'before', null, null, U, 'tu-15'],
];

const base = { dataset: 'events' as const, source: 'src', sql: './ev.sql', schedule: 'daily', startDate: DAY };
const mapping: EventsMapping = {
  ...base,
  name: 'ev',
  columns: {
    timestamp: 'ts',
    event_name: 'name',
    event_value: 'value',
    event_metadata: 'meta',
    user: 'usr',
    timeuuid: 'tu',
  },
};

const statements = [
  'CREATE TABLE ev (seq INT, ts TIMESTAMPTZ, name TEXT, value TEXT, meta TEXT, usr TEXT, tu TEXT)',
  insertSql(
    'ev',
    ROWS.map((r, i) => [i, `${r[0]}+00`, ...r.slice(1)]),
  ),
  ...idColumnsDay((i) => `2026-10-05 10:00:${String(i).padStart(2, '0')}+00`, 200),
  ...numberValuesDay((i) => `2026-10-05 11:00:${String(i).padStart(2, '0')}+00`, 'TEXT'),
];
/**
 * The same day with the user and metadata VARIANTs written over several lines, as Snowflake
 * writes a VARIANT (`json_pretty`; texts that are not JSON are NULL).
 */
const variants: [EventsMapping, string] = [
  { ...mapping, name: 'ev_variant' },
  `SELECT seq, ts, name, value, TRY(CAST(json_pretty(meta) AS JSON)) AS meta, TRY(CAST(json_pretty(usr) AS JSON)) AS usr,
     tu FROM ev`,
];
const mappings: [EventsMapping, string][] = [
  [mapping, 'SELECT * FROM ev'],
  variants,
  ...idColumnsMappings(base),
  ...numberValuesMappings(base),
];
/** Rows the row path rejects, and repeated timeuuids (id-6's first row is rejected: its second is no repeat). */
const EXPECTED: Record<string, { rejectedAtLeast: number; duplicates: number }> = {
  ev: { rejectedAtLeast: 6, duplicates: 1 },
  ev_variant: { rejectedAtLeast: 4, duplicates: 1 },
  ids_in: { rejectedAtLeast: 2, duplicates: 1 },
  custom_ids_in: { rejectedAtLeast: 2, duplicates: 0 },
  dbl_in: { rejectedAtLeast: 0, duplicates: 0 },
  dec_in: { rejectedAtLeast: 0, duplicates: 0 },
  rl_in: { rejectedAtLeast: 0, duplicates: 0 },
  dbl_ids_in: { rejectedAtLeast: 0, duplicates: 0 },
};

const contents = async (ctx: EngineContext, ingestion: string) => ({
  events: await ctx.store.query(
    `SELECT CAST("timestamp" AS VARCHAR), event_name, event_value, event_metadata, "user", user_id, custom_ids,
       CASE WHEN timeuuid LIKE 'tu-%' OR timeuuid LIKE 'id%' THEN timeuuid END FROM events WHERE ingestion = $1
       ORDER BY 1, 2, 8`,
    [ingestion],
  ),
  rejects: await ctx.store.query(
    `SELECT "row", "column", rule, reason FROM rejects WHERE ingestion = $1 ORDER BY 1, 2, 3, 4`,
    [ingestion],
  ),
  ledger: (await ctx.store.ledger({ ingestion })).map((e) => [
    e.rowsLoaded,
    e.rowsRejected,
    e.rejectReasons,
    e.sourceRowCount,
    e.duplicates,
  ]),
});

describe.each(['snowflake', 'bigquery', 'athena', 'databricks', 'synapse'] as const)(
  'columnar events path vs row path (%s source)',
  (kind) => {
    const contexts: Record<'columnar' | 'rows', EngineContext> = {} as never;
    let warehouse: Warehouse;

    beforeAll(async () => {
      warehouse = await WAREHOUSES[kind](statements);
      for (const path of ['columnar', 'rows'] as const) {
        const loaded = mappings.map(([m, sql]) => loadedMapping(m, sql, 1));
        const project = makeProject(tempDir(), [warehouse.source], loaded);
        contexts[path] = {
          ...engineContext(project, await freshStore('duckdb'), () => warehouse.open()),
          columnar: path === 'columnar',
        };
      }
    });
    afterAll(async () => {
      await closeBothPaths(contexts);
      await warehouse?.close();
    });

    it.each(Object.keys(EXPECTED))(
      '%s: loads identical events, rejects, duplicates, counts and examples',
      async (name) => {
        const results: Record<string, DayResult> = {};
        for (const path of ['columnar', 'rows'] as const) {
          results[path] = await ingestDay(contexts[path], name, DAY);
          expect(results[path].path).toBe(path);
        }
        expect(results.rows.rowsRejected).toBeGreaterThanOrEqual(EXPECTED[name].rejectedAtLeast);
        expect(results.rows.duplicates).toBe(EXPECTED[name].duplicates);
        const comparable = (r: DayResult) => ({ ...r, durationMs: 0, loadId: null, path: null });
        expect(comparable(results.columnar)).toEqual(comparable(results.rows));
        expect(await contents(contexts.columnar, name)).toEqual(await contents(contexts.rows, name));
      },
    );

    // Synapse has no JSON type: its JSON is nvarchar text, whose escaped newlines send a row to the row path's checks
    // as any text column's do.
    it.runIf(kind !== 'synapse')(
      'JSON over several lines loads in bulk: the rows checked one by one are those of the one-line text',
      async () => {
        const checked = async (name: string) => {
          const { result, rows } = await rowsCheckedOneByOne(() => ingestDay(contexts.columnar, name, DAY));
          expect(result).toMatchObject({ path: 'columnar' });
          return rows.map((row) => row.seq);
        };
        // A text that is not JSON ('nope') is NULL as a VARIANT: the rows the row path's checks see, less that one.
        const oneLine = (await checked('ev')).filter((seq) => Number(seq) !== 10);
        expect(oneLine.length).toBeGreaterThan(3);
        expect(await checked('ev_variant')).toEqual(oneLine);
      },
    );

    it.each(['dbl_in', 'dbl_ids_in'])(
      '%s: whole and trailing-zero doubles load in bulk, only NaN, the infinities and exponent texts reach the row path',
      async (name) => {
        const load = async () =>
          expect(await ingestDay(contexts.columnar, name, DAY)).toMatchObject({ path: 'columnar' });
        expect(await checkedDoubles(load)).toEqual(ROW_PATH_DOUBLES);
      },
    );
  },
);
