/**
 * Streaming throughput of the Snowflake and BigQuery connectors through their real client
 * libraries against the local protocol fakes: prints rows per second and the largest retained
 * heap growth for one day of ROWS rows (default 1,000,000). Figures only, no pass/fail; the
 * fakes share the process, so the numbers bound the client side from above.
 *
 *     npx tsx bench/connector-stream.ts [rows]
 */
process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION = 'true';
process.env.METADATA_SERVER_DETECTION = 'none';

const { openSnowflake } = await import('../framework/connectors/snowflake/open.js');
const { FakeSnowflake } = await import('../framework/connectors/snowflake/testing/fake-snowflake.js');
const { openBigQuery } = await import('../framework/connectors/bigquery/open.js');
const { FakeBigQuery } = await import('../framework/connectors/bigquery/testing/fake-bigquery.js');
const { fixedTokenClient } = await import('../framework/connectors/bigquery/testing/fixed-token.js');
const { createDuckDBSeries } = await import('../framework/connectors/conformance/duckdb-fixtures.js');
const { testContext } = await import('../framework/connectors/conformance/context.js');
const { HeapProbe } = await import('../framework/connectors/conformance/heap.js');
type Connector = import('../framework/connectors/types.js').Connector;

const rows = Number(process.argv[2] ?? 1_000_000);
const day = '2024-05-01';
const filter = {
  column: 'day',
  columnType: 'date' as const,
  day,
  fromUtc: new Date(`${day}T08:00:00Z`),
  toUtc: new Date('2024-05-02T08:00:00Z'),
};

async function measure(name: string, connector: Connector, table: string): Promise<void> {
  const probe = new HeapProbe();
  const started = process.hrtime.bigint();
  let seen = 0;
  let batches = 0;
  const query = {
    mapping: 'bench',
    sqlFile: 'bench.sql',
    sql: `SELECT id, day, label FROM ${table}`,
    dataset: 'metrics' as const,
  };
  for await (const batch of connector.streamDay(query, filter, { batchSize: 10_000 })) {
    seen += batch.length;
    if (++batches % 10 === 0) probe.sample();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(
    `${name.padEnd(10)} ${seen} rows in ${seconds.toFixed(1)} s = ${Math.round(seen / seconds)} rows/s, max retained heap growth ${(probe.maxGrowth / 2 ** 20).toFixed(1)} MiB`,
  );
}

const snowflake = await FakeSnowflake.start({ account: 'bench', users: { bench: { password: 'bench-password' } } });
await snowflake.exclusive(() => createDuckDBSeries(snowflake.duckdb, 'series', rows, day));
const sf = await openSnowflake(
  {
    name: 'sf_bench',
    kind: 'snowflake',
    account: 'bench',
    username: 'bench',
    password: { env: 'PW' },
    accessUrl: snowflake.url,
  },
  testContext({ PW: 'bench-password' }),
);
await measure('snowflake', sf, 'series');
await sf.close();
await snowflake.close();

const bigquery = await FakeBigQuery.start({ projectId: 'bench', accessToken: 'bench-token' });
await bigquery.exclusive(() => createDuckDBSeries(bigquery.duckdb, 'series', rows, day));
const bq = await openBigQuery(
  { name: 'bq_bench', kind: 'bigquery', projectId: 'bench', apiEndpoint: bigquery.url },
  testContext({}),
  {
    authClient: fixedTokenClient('bench-token'),
  },
);
await measure('bigquery', bq, 'series');
await bq.close();
await bigquery.close();
