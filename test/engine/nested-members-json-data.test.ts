/**
 * Members of nested DuckDB columns that JavaScript's JSON has no type for, as Spark writes them
 * into parquet structs (a BIGINT beyond 2^53, a TIMESTAMP, a DATE): both paths store them as
 * JSON data, hand-written here. A user STRUCT with a BIGINT member loads (JSON.stringify of a
 * bigint used to fail the day), and a metadata STRUCT stores a timestamp member as ISO text
 * (not a Date's text in the machine's time zone) and a wide integer as its digits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventsMapping } from '../../framework/config/types.js';
import { ingestDay } from '../../framework/engine/ingest-day.js';
import type { EngineContext } from '../../framework/engine/types.js';
import {
  engineContext,
  freshStore,
  loadedMapping,
  makeProject,
  seededSource,
  tempDir,
} from '../support/engine-fixture.js';

const DAY = '2026-10-05';

const STATEMENTS = [
  `CREATE TABLE ev (ts TIMESTAMPTZ, name VARCHAR, tu VARCHAR,
     usr STRUCT("userID" VARCHAR, account BIGINT), meta STRUCT(seen TIMESTAMP, day DATE, n BIGINT))`,
  `INSERT INTO ev VALUES
     (TIMESTAMPTZ '${DAY} 09:00:00+00', 'a', 'tu-1', {'userID': 'u1', 'account': 9007199254740993},
      {'seen': TIMESTAMP '${DAY} 08:30:00.250', 'day': DATE '${DAY}', 'n': 9007199254740993}),
     (TIMESTAMPTZ '${DAY} 09:00:01+00', 'b', 'tu-2', {'userID': 'u2', 'account': 7}, {'seen': NULL, 'day': NULL, 'n': 3})`,
];

const mapping: EventsMapping = {
  dataset: 'events',
  name: 'wide_members',
  source: 'src',
  sql: './q.sql',
  schedule: 'daily',
  startDate: DAY,
  columns: { timestamp: 'ts', event_name: 'name', user: 'usr', event_metadata: 'meta', timeuuid: 'tu' },
};

describe.each([
  ['columnar', true],
  ['rows', false],
] as const)('nested DuckDB members as JSON data (%s path)', (path, columnar) => {
  let ctx: EngineContext;

  beforeAll(async () => {
    const source = await seededSource('duckdb', STATEMENTS);
    const project = makeProject(tempDir(), [source], [loadedMapping(mapping, 'SELECT * FROM ev', 1)]);
    ctx = { ...engineContext(project, await freshStore('duckdb')), columnar };
  });
  afterAll(async () => {
    await ctx.connectors.closeAll();
    await ctx.store.close();
  });

  it('load with the members as JSON data', async () => {
    expect(await ingestDay(ctx, mapping.name, DAY)).toMatchObject({
      status: 'succeeded',
      path,
      rowsLoaded: 2,
      rowsRejected: 0,
    });
    expect(
      await ctx.store.query(`SELECT "user", event_metadata FROM events WHERE ingestion = $1 ORDER BY timeuuid`, [
        mapping.name,
      ]),
    ).toEqual([
      {
        user: '{"userID":"u1","account":"9007199254740993"}',
        event_metadata: '{"seen":"2026-10-05T08:30:00.250Z","day":"2026-10-05","n":"9007199254740993"}',
      },
      { user: '{"userID":"u2","account":7}', event_metadata: '{"n":"3"}' },
    ]);
  });
});
