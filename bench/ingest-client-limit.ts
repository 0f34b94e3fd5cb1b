/**
 * The limit of the Snowflake, BigQuery and plugin paths of bench/ingest.ts, in its own
 * process: the bare client reads the bench query's whole result from the protocol fake, the
 * cheapest way it offers (snowflake-sdk: result chunks streamed as arrays, numbers and JSON as
 * strings; BigQuery: getQueryResults pages of 10,000 unparsed rows, as Wharf's export reads
 * them; Athena: GetQueryResults pages of 1,000 rows; Databricks: the statement API's JSON_ARRAY
 * chunks; Synapse: mssql's row stream), and discards it. Prints one JSON line with the seconds
 * and the rows read (and its peak RSS on stderr).
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

/** The plugin sources' configs, as bench/ingest-warehouses.ts writes them. */
interface PluginBenchSource {
  kind: string;
  region: string;
  database: string;
  endpoint: string;
  host: string;
  warehouseId: string;
  server: string;
  port: number;
  user: string;
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 10));

async function athenaRows(source: PluginBenchSource, sql: string): Promise<number> {
  const athena = await import('@aws-sdk/client-athena');
  const client = new athena.AthenaClient({
    region: source.region,
    endpoint: source.endpoint,
    credentials: {
      accessKeyId: process.env.WHARF_BENCH_ATHENA_KEY!,
      secretAccessKey: process.env.WHARF_BENCH_ATHENA_SECRET!,
    },
  });
  const context = { Database: source.database };
  const id = (
    await client.send(new athena.StartQueryExecutionCommand({ QueryString: sql, QueryExecutionContext: context }))
  ).QueryExecutionId;
  for (;;) {
    const { QueryExecution } = await client.send(new athena.GetQueryExecutionCommand({ QueryExecutionId: id }));
    const state = QueryExecution?.Status?.State;
    if (state === 'SUCCEEDED') break;
    if (state === 'FAILED' || state === 'CANCELLED') throw new Error(String(QueryExecution?.Status?.StateChangeReason));
    await pause();
  }
  let rows = 0;
  let token: string | undefined;
  let header = 1;
  do {
    const page = await client.send(
      new athena.GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token, MaxResults: 1000 }),
    );
    rows += (page.ResultSet?.Rows?.length ?? 0) - header;
    header = 0;
    token = page.NextToken;
  } while (token);
  client.destroy();
  return rows;
}

interface BricksResponse {
  statement_id: string;
  status: { state: string };
  result?: { data_array?: unknown[][]; next_chunk_internal_link?: string };
}

async function databricksRows(source: PluginBenchSource, sql: string): Promise<number> {
  const headers = {
    authorization: `Bearer ${process.env.WHARF_BENCH_BRICKS_TOKEN}`,
    'content-type': 'application/json',
  };
  const call = async <T>(path: string, body?: unknown): Promise<T> => {
    const init = { method: body ? 'POST' : 'GET', headers, body: body ? JSON.stringify(body) : undefined };
    const response = await fetch(new URL(path, source.host), init);
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const statement = { warehouse_id: source.warehouseId, statement: sql, disposition: 'INLINE', format: 'JSON_ARRAY' };
  let response = await call<BricksResponse>('/api/2.0/sql/statements', { ...statement, on_wait_timeout: 'CONTINUE' });
  while (response.status.state === 'PENDING' || response.status.state === 'RUNNING') {
    await pause();
    response = await call<BricksResponse>(`/api/2.0/sql/statements/${response.statement_id}`);
  }
  if (response.status.state !== 'SUCCEEDED') throw new Error(JSON.stringify(response.status));
  let rows = 0;
  let chunk = response.result;
  while (chunk) {
    rows += chunk.data_array?.length ?? 0;
    const next = chunk.next_chunk_internal_link;
    chunk = next ? await call<BricksResponse['result']>(next) : undefined;
  }
  return rows;
}

async function synapseRows(source: PluginBenchSource, sql: string): Promise<number> {
  const mssql = (await import('mssql')).default;
  const pool = new mssql.ConnectionPool({
    server: source.server,
    port: source.port,
    database: source.database,
    user: source.user,
    password: process.env.WHARF_BENCH_SYNAPSE_PASSWORD,
    options: { encrypt: false, useUTC: true },
    // As the plugin's pool: the statement may run long (mssql's default stops it at 15 s), and no
    // `SELECT 1` round trip before it.
    requestTimeout: 600_000,
    validateConnection: 'socket',
  } as import('mssql').config);
  await pool.connect();
  const request = pool.request();
  const stream = request.toReadableStream();
  void request.batch(sql).catch(() => undefined);
  let rows = 0;
  for await (const row of stream) if (row) rows++;
  await pool.close();
  return rows;
}

const READERS: Record<string, (source: never, sql: string) => Promise<number>> = {
  snowflake: snowflakeRows,
  bigquery: bigqueryRows,
  athena: athenaRows,
  databricks: databricksRows,
  synapse: synapseRows,
};

const started = process.hrtime.bigint();
const rows = await READERS[spec.source.kind](spec.source as never, spec.sql);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const usage = process.resourceUsage();
const cpu = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
// The client's own CPU time and peak RSS, on stderr, for comparison with Wharf's.
console.error(
  `client limit (${spec.source.kind}): ${rows} rows in ${seconds.toFixed(2)} s, CPU ${cpu.toFixed(1)} s, ` +
    `peak RSS ${ownPeakRssMb().toFixed(0)} MB`,
);
console.log(JSON.stringify({ seconds, rows }));
