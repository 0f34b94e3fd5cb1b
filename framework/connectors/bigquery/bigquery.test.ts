/**
 * The BigQuery connector through the real @google-cloud/bigquery client against the local REST
 * fake, authenticated by a fixed-token client: the shared conformance suite, dry-run
 * estimates, credential handling and registry wiring.
 */
import { BigQuery } from '@google-cloud/bigquery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BigQuerySource } from '../../config/types.js';
import { WharfError } from '../../diagnostics/errors.js';
import { runConnectorConformance } from '../conformance/index.js';
import { testContext } from '../conformance/context.js';
import { createDuckDBSeries, loadDuckDBTable } from '../conformance/duckdb-fixtures.js';
import { closedLoopbackPort } from '../conformance/loopback.js';
import { connectorFor } from '../registry.js';
import { openBigQuery } from './open.js';
import { rowConverter } from './values.js';
import { clientOptions } from './options.js';
import { FakeBigQuery } from './testing/fake-bigquery.js';
import { fixedTokenClient } from './testing/fixed-token.js';

process.env.METADATA_SERVER_DETECTION = 'none';

const TOKEN = 'ya29.fixed-test-access-token';
const WRONG_TOKEN = 'ya29.revoked-test-access-token';
const context = testContext({});

function source(apiEndpoint: string): BigQuerySource {
  return { name: 'bq_main', kind: 'bigquery', projectId: 'wharf-test', location: 'US', apiEndpoint };
}

const open = (apiEndpoint: string, token = TOKEN) =>
  openBigQuery(source(apiEndpoint), context, { authClient: fixedTokenClient(token), maxRetries: 0 });

function startFake(): Promise<FakeBigQuery> {
  return FakeBigQuery.start({ projectId: 'wharf-test', accessToken: TOKEN, location: 'US' });
}

async function ensureDataset(fake: FakeBigQuery): Promise<void> {
  await fake.exclusive(() => fake.duckdb.run('CREATE SCHEMA IF NOT EXISTS conformance'));
}

runConnectorConformance('bigquery', {
  protocolFake: true,
  faults: true,
  async open() {
    const fake = await startFake();
    await ensureDataset(fake);
    const connector = await open(fake.url);
    return {
      connector,
      async createTable(name, columns, rows) {
        await fake.exclusive(() => loadDuckDBTable(fake.duckdb, `conformance.${name}`, columns, rows));
        return `conformance.${name}`;
      },
      async createSeries(name, rowCount, day) {
        await fake.exclusive(() => createDuckDBSeries(fake.duckdb, `conformance.${name}`, rowCount, day));
        return `conformance.${name}`;
      },
      badCredentials: () => ({ open: () => open(fake.url, WRONG_TOKEN), secret: WRONG_TOKEN }),
      unreachable: async () => open(`http://127.0.0.1:${await closedLoopbackPort()}`),
      faults: { failTransiently: () => fake.failTransiently(), clear: () => fake.clear() },
      async close() {
        await connector.close();
        await fake.close();
      },
    };
  },
});

describe('bigquery connector', () => {
  let fake: FakeBigQuery;
  const query = {
    mapping: 'm',
    sqlFile: 'mappings/m.sql',
    sql: 'SELECT day, n FROM conformance.small',
    dataset: 'metrics' as const,
  };
  const bigQuery = { ...query, sql: 'SELECT day, n FROM conformance.large' };
  const filter = {
    column: 'day',
    columnType: 'date' as const,
    day: '2024-01-01',
    fromUtc: new Date('2024-01-01T08:00:00Z'),
    toUtc: new Date('2024-01-02T08:00:00Z'),
  };

  beforeAll(async () => {
    fake = await startFake();
    await ensureDataset(fake);
    await fake.exclusive(async () => {
      await fake.duckdb.run(
        `CREATE TABLE conformance.small AS SELECT DATE '2024-01-01' AS day, range AS n FROM range(10)`,
      );
      await fake.duckdb.run(
        `CREATE TABLE conformance.large AS SELECT DATE '2024-01-01' AS day, range AS n FROM range(5000)`,
      );
    });
  });
  afterAll(() => fake.close());

  it('cancels the job when the consumer stops reading early', async () => {
    const connector = await open(fake.url);
    for await (const batch of connector.streamDay(bigQuery, filter, { batchSize: 100 })) {
      expect(batch).toHaveLength(100);
      break;
    }
    expect(fake.cancelled).toHaveLength(1);
  });

  it('a dry run of bad SQL (describe) is a query error naming the mapping', async () => {
    const connector = await open(fake.url);
    const err = await connector
      .describe({ ...query, sql: 'SELECT nope FROM conformance.small' })
      .catch((caught: unknown) => caught);
    expect(err).toBeInstanceOf(WharfError);
    expect(err).toMatchObject({ errorClass: 'query', transient: false });
    expect((err as Error).message).toContain("mapping 'm' (mappings/m.sql)");
  });

  it('reads a RECORD and a REPEATED field as JSON data: timestamps as ISO text, large INT64s as digits', async () => {
    const connector = await open(fake.url);
    const sql = `SELECT {'at': TIMESTAMP '2024-01-01 09:30:00.123456+00', 'big': 9007199254740993, 'n': 5,
        'x': CAST('nan' AS DOUBLE), 'tags': ['a', NULL], 'inner': {'s': 'é"'}} AS rec,
      [TIMESTAMP '2024-01-02 00:00:00+00'] AS times, CAST(NULL AS VARCHAR[]) AS none`;
    const rows = await connector.sample({ ...query, sql }, 10);
    const described = await connector.describe({ ...query, sql });
    expect(described).toEqual([
      { name: 'rec', type: 'json', nativeType: 'RECORD' },
      { name: 'times', type: 'json', nativeType: 'ARRAY<TIMESTAMP>' },
      { name: 'none', type: 'json', nativeType: 'ARRAY<STRING>' },
    ]);
    // They take the columnar path as JSON.stringify's text, which the store need not take whitespace out of.
    expect(connector.columnar?.textColumns(described)).toBe(true);
    expect(described.map((c) => connector.columnar?.compactJson?.(c))).toEqual([true, true, true]);
    expect(rows).toEqual([
      {
        rec: {
          at: '2024-01-01T09:30:00.123Z',
          big: '9007199254740993',
          n: 5,
          x: NaN,
          tags: ['a', null],
          inner: { s: 'é"' },
        },
        times: ['2024-01-02T00:00:00.000Z'],
        // BigQuery returns no NULL array: an empty one.
        none: [],
      },
    ]);
  });

  it('BYTES, TIME, GEOGRAPHY, INTERVAL and RANGE columns travel as the text of the cell, the row path value', async () => {
    const connector = await open(fake.url);
    const types = ['BYTES', 'TIME', 'GEOGRAPHY', 'INTERVAL', 'RANGE'];
    const texts = ['AP9c', '12:34:56.789000', 'POINT(-122.35 47.62)', '1-2 3 4:5:6.789', '[2024-01-01, 2024-02-01)'];
    const columns = types.map((t) => ({ name: t.toLowerCase(), type: 'other' as const, nativeType: t }));
    const expected = { bytes: texts[0], time: texts[1], geography: texts[2], interval: texts[3], range: texts[4] };
    expect(connector.columnar?.textColumns(columns)).toBe(true);
    expect(connector.columnar?.parseRow(columns, texts)).toEqual(expected);
    const fields = types.map((type) => ({ name: type.toLowerCase(), type, mode: 'NULLABLE' }));
    expect(rowConverter(fields)({ f: texts.map((v) => ({ v })) })).toEqual(expected);
  });

  it('fingerprints with FARM_FINGERPRINT over BIGNUMERIC and casts timestamp columns', async () => {
    const connector = await open(fake.url);
    await connector.dayStats(query, [{ ...filter, columnType: 'timestamp' }]);
    const sent = fake.queries.at(-1)!;
    expect(sent).toContain('FARM_FINGERPRINT(TO_JSON_STRING(wharf_q))');
    expect(sent).toContain("CAST(wharf_q.day AS TIMESTAMP) >= TIMESTAMP '2024-01-01 08:00:00.000+00'");
  });

  it("answers the client library's own query path and table metadata in the API's format", async () => {
    const client = new BigQuery({
      projectId: 'wharf-test',
      apiEndpoint: fake.url,
      authClient: fixedTokenClient(TOKEN),
      maxRetries: 0,
    });
    // GoogleSQL: TIMESTAMP is the zone-aware type (the fake translates it to DuckDB's TIMESTAMPTZ).
    const [rows] = await client.query({
      query: "SELECT 5 AS n, TIMESTAMP '2024-01-01 00:00:00+00' AS at",
      location: 'US',
    });
    expect(rows).toHaveLength(1);
    expect(rows[0].n).toBe(5);
    expect(rows[0].at.value).toBe('2024-01-01T00:00:00.000Z');
    const [metadata] = await client.dataset('conformance').table('large').getMetadata();
    expect(metadata.numRows).toBe('5000');
    expect(metadata.schema.fields.map((field: { name: string }) => field.name)).toEqual(['day', 'n']);
  });

  it('reads service-account credentials from the environment variable and registers them as secrets', () => {
    const key = {
      type: 'service_account',
      client_email: 'wharf@wharf-test.iam.gserviceaccount.com',
      private_key: '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n',
    };
    const options = clientOptions(
      { ...source(fake.url), credentials: { env: 'BQ_KEY' } },
      testContext({ BQ_KEY: JSON.stringify(key) }),
    );
    expect(options.credentials).toEqual(key);
    expect(options.apiEndpoint).toBe(fake.url);
  });

  it('credentials that are not a service-account key are a config error that does not echo them', () => {
    const secret = 'not-json-but-secret-material';
    const build = () =>
      clientOptions({ ...source(fake.url), credentials: { env: 'BQ_KEY' } }, testContext({ BQ_KEY: secret }));
    expect(build).toThrow(/environment variable BQ_KEY does not hold a service-account key/);
    try {
      build();
    } catch (err) {
      expect(JSON.stringify({ message: (err as WharfError).message, hint: (err as WharfError).hint })).not.toContain(
        secret,
      );
    }
  });

  it('resolves a key file relative to the project root', () => {
    const options = clientOptions(
      { ...source(fake.url), keyFilename: 'keys/sa.json' },
      testContext({}, '/srv/project'),
    );
    expect(options.keyFilename).toBe('/srv/project/keys/sa.json');
  });

  it('is registered as the built-in bigquery kind', async () => {
    const definition = await connectorFor('bigquery');
    expect(definition.kind).toBe('bigquery');
    expect(definition.capabilities.fingerprint).toBe(true);
  });
});
