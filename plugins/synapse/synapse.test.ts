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
import plugin, { type SynapseSource } from './index.js';
import { startFakeSynapse, type FakeSynapse } from './test/fake-synapse.js';

const USER = 'wharf_reader';
const PASSWORD = 'Synapse-Secret-77';
let fake: FakeSynapse;
let connector: Connector;

const source = (overrides: Partial<SynapseSource> = {}): SynapseSource =>
  defineSource({
    kind: 'synapse',
    name: 'synapse_dw',
    server: '127.0.0.1',
    port: fake.port,
    database: 'dw',
    user: USER,
    password: { env: 'TEST_SYNAPSE_PASSWORD' },
    encrypt: false,
    ...overrides,
  }) as SynapseSource;

const context = { projectRoot: process.cwd(), resolveSecret: (ref: { env: string }) => process.env[ref.env] ?? '' };

async function open(overrides: Partial<SynapseSource> = {}): Promise<Connector> {
  return plugin.connectors![0].create(source(overrides) as never, context);
}

async function readDay(c: Connector, filter = timestampFilter(FIXTURE_DAYS[1]), batchSize = 2): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const batch of c.streamDay(fixtureQuery('dbo.events'), filter, { batchSize })) {
    expect(batch.length).toBeLessThanOrEqual(batchSize);
    rows.push(...batch);
  }
  return rows;
}

beforeAll(async () => {
  process.env.TEST_SYNAPSE_PASSWORD = PASSWORD;
  fake = await startFakeSynapse({ user: USER, password: PASSWORD });
  for (const sql of fixtureSql('dbo')) await fake.backend.run(sql);
  connector = await open();
});

afterAll(async () => {
  await connector?.close();
  await fake?.close();
});

describe('Synapse plugin (mssql/tedious) against a minimal TDS fake', () => {
  it("streams each day's rows with TDS values normalized", async () => {
    for (const day of FIXTURE_DAYS) {
      const expected = sortRows(expectedEvents(day)).map((r) => ({ ...r }));
      expect(sortRows(await readDay(connector, timestampFilter(day)))).toEqual(expected);
      expect(sortRows(await readDay(connector, dateFilter(day)))).toEqual(expected);
    }
    expect(fake.batches.at(-1)).toContain(`"d" = CAST('2024-03-03' AS DATE)`);
  });

  it('describes, counts, checks presence, samples and reads signals', async () => {
    const columns = await connector.describe(fixtureQuery('dbo.events'));
    expect(Object.fromEntries(columns.map((c) => [c.name, c.type]))).toMatchObject({
      ts: 'timestamp',
      event_name: 'string',
      big: 'integer',
      small: 'integer',
      dbl: 'double',
      flag: 'boolean',
      d: 'date',
      tstz: 'timestamp',
    });
    const stats = await connector.dayStats(
      fixtureQuery('dbo.events'),
      FIXTURE_DAYS.map((d) => timestampFilter(d)),
    );
    expect(stats.map((s) => s.rowCount)).toEqual(FIXTURE_DAYS.map((d) => expectedEvents(d).length));
    expect(await connector.hasData(fixtureQuery('dbo.events'), timestampFilter('2024-03-01'))).toBe(true);
    expect(await connector.hasData(fixtureQuery('dbo.events'), timestampFilter('2024-06-01'))).toBe(false);
    expect(await connector.sample(fixtureQuery('dbo.events'), 2)).toHaveLength(2);
    expect(fake.batches.at(-1)).toMatch(/^SELECT TOP \(2\) \*/);
    expect(await connector.latestFinishedDate!({ table: 'dbo.signals' })).toBe('2024-03-03');
  });

  it('streams more rows than fit in one TDS packet', async () => {
    await fake.backend.run(
      "CREATE TABLE dbo.many AS SELECT i AS n, 'row ' || i AS label, TIMESTAMP '2024-03-02 12:00:00' AS ts FROM range(3000) t(i)",
    );
    const query = { ...fixtureQuery('dbo.many'), sql: 'SELECT n, label, ts FROM dbo.many' };
    const seen: number[] = [];
    for await (const batch of connector.streamDay(query, timestampFilter('2024-03-02'), { batchSize: 500 }))
      seen.push(...batch.map((r) => r.n as number));
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 3000 }, (_, i) => i));
  });

  it("reports a SQL error with the server's message, the mapping and the SQL file", async () => {
    const err = await connector
      .describe({ ...fixtureQuery('dbo.events'), sql: 'SELECT nope FROM dbo.events' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WharfError);
    expect(err).toMatchObject({ errorClass: 'query', transient: false });
    expect((err as Error).message).toMatch(/fixture_events.*mappings\/fixture_events\.sql.*nope/s);
    const streamed = await readDay(connector).then(() => null);
    expect(streamed).toBeNull();
  });

  it("names the SQL file's line that the server's error token gives", async () => {
    // Two blank lines first, which the wrapper drops: the file's line 5 is the batch's line 4.
    // SQL Server names the line in the ERROR token only; the message says nothing of it.
    const sql = '\n\n-- the events\nSELECT ts,\n  nope\nFROM dbo.events';
    const err = (await connector
      .describe({ ...fixtureQuery('dbo.events'), sql })
      .catch((e: unknown) => e)) as WharfError;
    expect(err.message).not.toMatch(/line 4/i);
    expect(err.hint).toBe(
      "Fix the SQL in mappings/fixture_events.sql: the warehouse's line 4 is line 5 of the file (Wharf wraps the file's SQL in a query of its own).",
    );
  });

  it('fails login with an auth error that never contains the password', async () => {
    process.env.TEST_SYNAPSE_WRONG = 'Wrong-Password-123';
    const wrong = await open({ password: { env: 'TEST_SYNAPSE_WRONG' } });
    const err = await wrong
      .hasData(fixtureQuery('dbo.events'), timestampFilter(FIXTURE_DAYS[0]))
      .catch((e: unknown) => e);
    await wrong.close();
    expect(err).toMatchObject({ errorClass: 'auth', transient: false });
    expect((err as Error).message).toContain("'synapse_dw'");
    expect((err as Error).message).not.toContain('Wrong-Password-123');
  });

  it('reports an unreachable server as a transient connection error', async () => {
    const down = await open({ port: 1 });
    const err = await down
      .hasData(fixtureQuery('dbo.events'), timestampFilter(FIXTURE_DAYS[0]))
      .catch((e: unknown) => e);
    await down.close();
    expect(err).toMatchObject({ errorClass: 'connection', transient: true });
  });
});
