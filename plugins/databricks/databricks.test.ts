import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSource, WharfError, type Connector, type Row } from '@wharf/framework';
import {
  dateFilter,
  expectedEvents,
  FIXTURE_DAYS,
  fixtureQuery,
  fixtureSql,
  sortRows,
  timestampFilter,
} from '../../test/support/warehouse-fixture.js';
import plugin, { type DatabricksSource } from './index.js';
import { startFakeDatabricks, type FakeDatabricks } from './test/fake-databricks.js';

const TOKEN = 'dapi-fake-token-0123456789';
const CLIENT = { id: 'sp-client-id', secret: 'sp-client-secret-xyz' };
let fake: FakeDatabricks;
let connector: Connector;

const source = (overrides: Partial<DatabricksSource> = {}): DatabricksSource =>
  defineSource({
    kind: 'databricks',
    name: 'bricks',
    host: fake.host,
    warehouseId: 'wh-1',
    schema: 'analytics',
    token: { env: 'TEST_DATABRICKS_TOKEN' },
    pollIntervalMs: 5,
    ...overrides,
  }) as DatabricksSource;

const context = { projectRoot: process.cwd(), resolveSecret: (ref: { env: string }) => process.env[ref.env] ?? '' };

async function open(overrides: Partial<DatabricksSource> = {}): Promise<Connector> {
  return plugin.connectors![0].create(source(overrides) as never, context);
}

async function readDay(c: Connector, filter = timestampFilter(FIXTURE_DAYS[1]), batchSize = 2): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const batch of c.streamDay(fixtureQuery('events'), filter, { batchSize })) rows.push(...batch);
  return rows;
}

beforeAll(async () => {
  process.env.TEST_DATABRICKS_TOKEN = TOKEN;
  process.env.TEST_DATABRICKS_CLIENT_ID = CLIENT.id;
  process.env.TEST_DATABRICKS_CLIENT_SECRET = CLIENT.secret;
  fake = await startFakeDatabricks({ warehouseId: 'wh-1', token: TOKEN, client: CLIENT, chunkRows: 2 });
  for (const sql of fixtureSql('analytics')) await fake.backend.run(sql);
  connector = await open();
});

afterAll(async () => {
  await connector?.close();
  await fake?.close();
});

describe('Databricks plugin against a local Statement Execution API fake', () => {
  it("streams each day's rows across result chunks, with values normalized", async () => {
    for (const day of FIXTURE_DAYS) {
      const expected = sortRows(expectedEvents(day));
      expect(sortRows(await readDay(connector, timestampFilter(day)))).toEqual(expected);
      expect(sortRows(await readDay(connector, dateFilter(day), 1))).toEqual(expected);
    }
    expect(fake.statements.at(-1)).toMatch(/`d` = CAST\('2024-03-03' AS DATE\)/);
  });

  it('describes, counts, checks presence, samples and reads signals', async () => {
    const columns = await connector.describe(fixtureQuery('events'));
    expect(Object.fromEntries(columns.map((c) => [c.name, c.type]))).toMatchObject({
      ts: 'timestamp',
      big: 'integer',
      dbl: 'double',
      flag: 'boolean',
      d: 'date',
      tstz: 'timestamp',
      payload: 'json',
    });
    const stats = await connector.dayStats(
      fixtureQuery('events'),
      FIXTURE_DAYS.map((d) => timestampFilter(d)),
    );
    expect(stats.map((s) => s.rowCount)).toEqual(FIXTURE_DAYS.map((d) => expectedEvents(d).length));
    expect(await connector.hasData(fixtureQuery('events'), timestampFilter('2024-03-02'))).toBe(true);
    expect(await connector.hasData(fixtureQuery('events'), timestampFilter('2024-05-02'))).toBe(false);
    expect(await connector.sample(fixtureQuery('events'), 3)).toHaveLength(3);
    expect(await connector.latestFinishedDate!({ table: 'analytics.signals' })).toBe('2024-03-03');
  });

  it('authenticates with OAuth M2M client credentials, fetching a token once', async () => {
    const m2m = await open({
      token: undefined,
      clientId: { env: 'TEST_DATABRICKS_CLIENT_ID' },
      clientSecret: { env: 'TEST_DATABRICKS_CLIENT_SECRET' },
    });
    expect(sortRows(await readDay(m2m))).toEqual(sortRows(expectedEvents(FIXTURE_DAYS[1])));
    expect(await m2m.hasData(fixtureQuery('events'), timestampFilter(FIXTURE_DAYS[0]))).toBe(true);
    expect(fake.tokenRequests).toBe(1);
    await m2m.close();
  });

  it("reports a failed statement with the warehouse's message, the mapping and the SQL file", async () => {
    const err = await connector
      .describe({ ...fixtureQuery('events'), sql: 'SELECT missing_col FROM events' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WharfError);
    expect(err).toMatchObject({ errorClass: 'query', transient: false });
    expect((err as Error).message).toMatch(/fixture_events.*mappings\/fixture_events\.sql.*missing_col/s);
  });

  it("names the SQL file's line that the statement's `line n pos m` points at", async () => {
    // Two blank lines first, which the wrapper drops: the file's line 5 is the statement's line 4.
    const bad = { ...fixtureQuery('events'), sql: '\n\n-- the events\nSELECT event_name,\n  missing_col\nFROM events' };
    const err = (await connector.describe(bad).catch((e: unknown) => e)) as WharfError;
    expect(err.message).toMatch(/missing_col.*; line 4 pos 2/s);
    expect(err.hint).toBe(
      "Fix the SQL in mappings/fixture_events.sql: the warehouse's line 4 is line 5 of the file (Wharf wraps the file's SQL in a query of its own).",
    );
  });

  it('cancels a running statement when the read is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const read = async () => {
      for await (const batch of connector.streamDay(fixtureQuery('events'), timestampFilter(FIXTURE_DAYS[2]), {
        batchSize: 1,
        signal: controller.signal,
      }))
        void batch;
    };
    await expect(read()).rejects.toMatchObject({ code: 'connector.aborted', transient: true });
    expect(fake.cancelled).toHaveLength(1);
  });

  it('cancels a statement that outlives its queryTimeout and reports query.timeout', async () => {
    const before = fake.cancelled.length;
    // 1 ms: the statement is still RUNNING at the first poll (every 5 ms), so the timeout fires then.
    const query = { ...fixtureQuery('events'), timeoutMs: 1 };
    const read = async () => {
      for await (const batch of connector.streamDay(query, timestampFilter(FIXTURE_DAYS[2]), { batchSize: 100 }))
        void batch;
    };
    await expect(read()).rejects.toMatchObject({ code: 'query.timeout', errorClass: 'query' });
    await expect(connector.hasData(query, timestampFilter(FIXTURE_DAYS[2]))).rejects.toMatchObject({
      code: 'query.timeout',
    });
    expect(fake.cancelled.length - before).toBe(2);
  });

  it('classifies bad tokens, throttling, a wrong warehouse and an unreachable host', async () => {
    process.env.TEST_DATABRICKS_BAD = 'dapi-wrong-token-secret';
    const bad = await open({ token: { env: 'TEST_DATABRICKS_BAD' } });
    const auth = await bad.hasData(fixtureQuery('events'), timestampFilter(FIXTURE_DAYS[0])).catch((e: unknown) => e);
    expect(auth).toMatchObject({ errorClass: 'auth' });
    expect((auth as Error).message).toContain("'bricks'");
    expect((auth as Error).message).not.toContain('dapi-wrong-token-secret');

    fake.failNext(429, 'TEMPORARILY_UNAVAILABLE');
    await expect(connector.hasData(fixtureQuery('events'), timestampFilter(FIXTURE_DAYS[0]))).rejects.toMatchObject({
      errorClass: 'connection',
      transient: true,
    });

    const wrongWarehouse = await open({ warehouseId: 'nope' });
    await expect(
      wrongWarehouse.hasData(fixtureQuery('events'), timestampFilter(FIXTURE_DAYS[0])),
    ).rejects.toMatchObject({ errorClass: 'config', transient: false });

    const down = await open({ host: 'http://127.0.0.1:1' });
    await expect(down.hasData(fixtureQuery('events'), timestampFilter(FIXTURE_DAYS[0]))).rejects.toMatchObject({
      errorClass: 'connection',
      transient: true,
    });
  });

  it('rejects a source without credentials', async () => {
    await expect(open({ token: undefined })).rejects.toMatchObject({ code: 'databricks.no-credentials' });
  });
});
