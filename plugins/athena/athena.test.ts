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
import plugin, { type AthenaSource } from './index.js';
import { startFakeAthena, type FakeAthena } from './test/fake-athena.js';

const KEY = 'AKIAFAKEATHENA01';
const SECRET = 'athena-secret-value-42';
let fake: FakeAthena;
let connector: Connector;

// Type-checks through the PluginSourceTypes augmentation: `athena` is a source kind here.
const source = (overrides: Partial<AthenaSource> = {}): AthenaSource =>
  defineSource({
    kind: 'athena',
    name: 'lakehouse',
    region: 'us-east-1',
    database: 'analytics',
    endpoint: fake.endpoint,
    accessKeyId: { env: 'TEST_ATHENA_KEY' },
    secretAccessKey: { env: 'TEST_ATHENA_SECRET' },
    pollIntervalMs: 5,
    ...overrides,
  }) as AthenaSource;

const context = {
  projectRoot: process.cwd(),
  resolveSecret: (ref: { env: string }) => process.env[ref.env] ?? '',
};

async function open(overrides: Partial<AthenaSource> = {}): Promise<Connector> {
  const [definition] = plugin.connectors ?? [];
  return definition.create(source(overrides) as never, context);
}

async function readDay(c: Connector, filter = timestampFilter(FIXTURE_DAYS[1]), batchSize = 2): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const batch of c.streamDay(fixtureQuery('events'), filter, { batchSize })) rows.push(...batch);
  return rows;
}

beforeAll(async () => {
  process.env.TEST_ATHENA_KEY = KEY;
  process.env.TEST_ATHENA_SECRET = SECRET;
  fake = await startFakeAthena(KEY);
  for (const sql of fixtureSql('analytics')) await fake.backend.run(sql);
  connector = await open();
});

afterAll(async () => {
  await connector?.close();
  await fake?.close();
});

describe('Athena plugin against a local Athena protocol fake', () => {
  it('declares the athena kind with a config schema', () => {
    expect(plugin.name).toBe('@wharf/plugin-athena');
    expect(plugin.connectors?.map((c) => c.kind)).toEqual(['athena']);
    expect(plugin.connectors?.[0].configSchema).toBeDefined();
  });

  it("streams each day's rows with every value type normalized, polling until the query finishes", async () => {
    for (const day of FIXTURE_DAYS) {
      expect(sortRows(await readDay(connector, timestampFilter(day)))).toEqual(sortRows(expectedEvents(day)));
      expect(sortRows(await readDay(connector, dateFilter(day)))).toEqual(sortRows(expectedEvents(day)));
    }
    expect(fake.statements.at(-1)).toContain('SELECT ts, event_name');
  });

  it('pages through results larger than one GetQueryResults page', async () => {
    await fake.backend.run(
      "CREATE TABLE analytics.many AS SELECT i AS n, TIMESTAMP '2024-03-02 12:00:00' AS ts FROM range(2500) t(i)",
    );
    const query = { ...fixtureQuery('many'), sql: 'SELECT n, ts FROM many' };
    const seen: number[] = [];
    for await (const batch of connector.streamDay(query, timestampFilter('2024-03-02'), { batchSize: 700 })) {
      expect(batch.length).toBeLessThanOrEqual(700);
      seen.push(...batch.map((r) => r.n as number));
    }
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 2500 }, (_, i) => i));
  });

  it('describes columns, counts days, checks presence and samples', async () => {
    const columns = await connector.describe(fixtureQuery('events'));
    expect(Object.fromEntries(columns.map((c) => [c.name, c.type]))).toEqual({
      ts: 'timestamp',
      event_name: 'string',
      big: 'integer',
      small: 'integer',
      dbl: 'double',
      flag: 'boolean',
      d: 'date',
      tstz: 'timestamp',
      payload: 'json',
      maybe: 'string',
    });
    const stats = await connector.dayStats(
      fixtureQuery('events'),
      FIXTURE_DAYS.map((d) => timestampFilter(d)),
    );
    expect(stats.map((s) => s.rowCount)).toEqual(FIXTURE_DAYS.map((d) => expectedEvents(d).length));
    expect(await connector.hasData(fixtureQuery('events'), timestampFilter(FIXTURE_DAYS[0]))).toBe(true);
    expect(await connector.hasData(fixtureQuery('events'), timestampFilter('2024-04-01'))).toBe(false);
    expect(await connector.sample(fixtureQuery('events'), 2)).toHaveLength(2);
  });

  it('reads the latest finished_date of a signal table', async () => {
    expect(await connector.latestFinishedDate!({ table: 'analytics.signals' })).toBe('2024-03-03');
    await expect(connector.latestFinishedDate!({ table: 'x; DROP TABLE y' })).rejects.toMatchObject({
      code: 'signal.table-name',
    });
  });

  it("reports a failed query with the engine's message, the mapping and the SQL file", async () => {
    const bad = { ...fixtureQuery('events'), sql: 'SELECT no_such_column FROM events' };
    const failure = await connector.describe(bad).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WharfError);
    expect(failure).toMatchObject({ errorClass: 'query', transient: false });
    expect((failure as Error).message).toMatch(/fixture_events.*mappings\/fixture_events\.sql.*no_such_column/s);
  });

  it("names the SQL file's line that Athena's `line n:m:` points at", async () => {
    // Two blank lines first, which the wrapper drops: the file's line 5 is the query's line 4.
    const bad = {
      ...fixtureQuery('events'),
      sql: '\n\n-- the events\nSELECT event_name,\n  no_such_column\nFROM events',
    };
    const failure = (await connector.describe(bad).catch((e: unknown) => e)) as WharfError;
    expect(failure.message).toMatch(/line 4:3: .*no_such_column/);
    expect(failure.hint).toBe(
      "Fix the SQL in mappings/fixture_events.sql: the warehouse's line 4 is line 5 of the file (Wharf wraps the file's SQL in a query of its own).",
    );
  });

  it('stops the query on Athena when a reader abandons the stream', async () => {
    const before = fake.stopped.length;
    for await (const batch of connector.streamDay(fixtureQuery('events'), timestampFilter(FIXTURE_DAYS[2]), {
      batchSize: 1,
    })) {
      expect(batch).toHaveLength(1);
      break;
    }
    expect(fake.stopped.length).toBe(before + 1);
  });

  it('classifies authentication, throttling and unreachable endpoints without leaking secrets', async () => {
    process.env.TEST_ATHENA_BAD = 'AKIAWRONGATHENA9';
    const wrong = await open({ accessKeyId: { env: 'TEST_ATHENA_BAD' } });
    const auth = await wrong.hasData(fixtureQuery('events'), timestampFilter(FIXTURE_DAYS[0])).catch((e: unknown) => e);
    await wrong.close();
    expect(auth).toMatchObject({ errorClass: 'auth', transient: false });
    expect((auth as Error).message).toContain("'lakehouse'");
    expect((auth as Error).message).not.toContain(SECRET);

    // The SDK retries throttling itself (3 attempts); only a persistent one reaches Wharf.
    fake.failNext('ThrottlingException', 400, 1);
    expect(await connector.hasData(fixtureQuery('events'), timestampFilter(FIXTURE_DAYS[0]))).toBe(true);
    fake.failNext('ThrottlingException', 400, 3);
    const throttled = await connector
      .hasData(fixtureQuery('events'), timestampFilter(FIXTURE_DAYS[0]))
      .catch((e: unknown) => e);
    expect(throttled).toMatchObject({ errorClass: 'connection', transient: true });

    const down = await open({ endpoint: 'http://127.0.0.1:1' });
    const unreachable = await down
      .hasData(fixtureQuery('events'), timestampFilter(FIXTURE_DAYS[0]))
      .catch((e: unknown) => e);
    await down.close();
    expect(unreachable).toMatchObject({ errorClass: 'connection', transient: true });
  });
});
