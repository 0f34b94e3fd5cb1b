/**
 * The limit of the Snowflake and BigQuery paths of bench/ingest.ts, in its own process: the
 * bare client reads the bench query's whole result from the protocol fake, the cheapest way
 * it offers (snowflake-sdk: result chunks streamed as arrays, numbers and JSON as strings;
 * BigQuery: getQueryResults pages of 10,000 unparsed rows, as Wharf's export reads them), and
 * discards it. Prints one JSON line with the seconds and the rows read (and its peak RSS on stderr).
 */
import { BigQuery } from '@google-cloud/bigquery';
import snowflake from 'snowflake-sdk';
import type { BigQuerySource, SnowflakeSource } from '../framework/config/types.js';
import { fixedTokenClient } from '../framework/connectors/bigquery/testing/fixed-token.js';
import type { ClientLimitCase } from './ingest-warehouses.js';
import { ownPeakRssMb } from './peak-rss.js';

const spec = JSON.parse(process.env.WHARF_BENCH_LIMIT ?? '{}') as ClientLimitCase;

async function snowflakeRows(source: SnowflakeSource, sql: string): Promise<number> {
  snowflake.configure({ logLevel: 'OFF' });
  const connection = snowflake.createConnection({
    account: source.account,
    username: source.username,
    password: process.env.WHARF_BENCH_SF_PASSWORD,
    accessUrl: source.accessUrl,
    warehouse: source.warehouse,
    database: source.database,
    schema: source.schema,
  });
  await new Promise<void>((resolve, reject) => connection.connect((err) => (err ? reject(err) : resolve())));
  const statement = await new Promise<snowflake.RowStatement>((resolve, reject) =>
    connection.execute({
      sqlText: sql,
      streamResult: true,
      rowMode: 'array',
      fetchAsString: ['Number', 'JSON'],
      complete: (err, stmt) => (err ? reject(err) : resolve(stmt)),
    }),
  );
  let rows = 0;
  for await (const row of statement.streamRows()) if (row) rows++;
  await new Promise<void>((resolve) => connection.destroy(() => resolve()));
  return rows;
}

async function bigqueryRows(source: BigQuerySource, sql: string): Promise<number> {
  const client = new BigQuery({
    projectId: source.projectId,
    apiEndpoint: source.apiEndpoint,
    authClient: fixedTokenClient(process.env.WHARF_BENCH_BQ_TOKEN!),
  });
  const [job] = await client.createQueryJob({ query: sql, useLegacySql: false, location: source.location });
  let rows = 0;
  let pageToken: string | undefined;
  for (;;) {
    const [page, , response] = await job.getQueryResults({
      maxResults: 10_000,
      pageToken,
      autoPaginate: false,
      skipParsing: true,
    });
    const results = (response ?? {}) as { pageToken?: string; jobComplete?: boolean };
    if (results.jobComplete === false) continue;
    rows += page.length;
    pageToken = results.pageToken;
    if (!pageToken) return rows;
  }
}

const started = process.hrtime.bigint();
const rows =
  spec.source.kind === 'snowflake'
    ? await snowflakeRows(spec.source, spec.sql)
    : await bigqueryRows(spec.source as BigQuerySource, spec.sql);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const usage = process.resourceUsage();
const cpu = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
// The client's own CPU time and peak RSS, on stderr, for comparison with Wharf's.
console.error(
  `client limit (${spec.source.kind}): ${rows} rows in ${seconds.toFixed(2)} s, CPU ${cpu.toFixed(1)} s, ` +
    `peak RSS ${ownPeakRssMb().toFixed(0)} MB`,
);
console.log(JSON.stringify({ seconds, rows }));
