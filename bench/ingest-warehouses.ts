/**
 * The Snowflake and BigQuery sources of bench/ingest.ts, and the Athena, Databricks and
 * Synapse plugins' sources: their protocol fakes on 127.0.0.1 (the ones the tests use), run
 * in the bench's own process and holding the bench table in their in-memory DuckDB, the
 * source configs Wharf loads from, and the limit of their path — the bare client
 * (snowflake-sdk, @google-cloud/bigquery, @aws-sdk/client-athena, fetch on the Databricks
 * statement API, mssql) reading the same query's result and discarding it, in a child
 * process (bench/ingest-client-limit.ts) like Wharf's load.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { SourceConfig } from '../framework/config/types.js';
import { FakeBigQuery } from '../framework/connectors/bigquery/testing/fake-bigquery.js';
import { FakeSnowflake } from '../framework/connectors/snowflake/testing/fake-snowflake.js';
import { startFakeAthena, type FakeAthena } from '../plugins/athena/test/fake-athena.js';
import { startFakeDatabricks, type FakeDatabricks } from '../plugins/databricks/test/fake-databricks.js';
import { startFakeSynapse, type FakeSynapse } from '../plugins/synapse/test/fake-synapse.js';
import type { BenchSpec } from './ingest-data.js';

export type WarehouseKind = 'snowflake' | 'bigquery' | PluginKind;
/** The plugin sources, reached through StatementConnector. */
export type PluginKind = 'athena' | 'databricks' | 'synapse';
export const PLUGIN_KINDS: PluginKind[] = ['athena', 'databricks', 'synapse'];

const ACCOUNT = 'wharfbench';
const USER = 'wharf_bench';
const PASSWORD = 'bench-password';
const TOKEN = 'ya29.bench-token';
const PROJECT = 'wharf-bench';
const ATHENA_KEY = 'AKIAWHARFBENCH00001';
const BRICKS_WAREHOUSE = 'wh-bench';
const BRICKS_TOKEN = 'dapi-bench-token';
const SYNAPSE_USER = 'bench';
const SYNAPSE_PASSWORD = 'Bench-Pass-1';

/** The environment the child processes (Wharf's load, the client limit) need for the fakes. */
export const WAREHOUSE_ENV = {
  WHARF_BENCH_SF_PASSWORD: PASSWORD,
  WHARF_BENCH_BQ_TOKEN: TOKEN,
  WHARF_BENCH_ATHENA_KEY: ATHENA_KEY,
  WHARF_BENCH_ATHENA_SECRET: 'bench-secret',
  WHARF_BENCH_BRICKS_TOKEN: BRICKS_TOKEN,
  WHARF_BENCH_SYNAPSE_PASSWORD: SYNAPSE_PASSWORD,
  SNOWFLAKE_DISABLE_PLATFORM_DETECTION: 'true',
  METADATA_SERVER_DETECTION: 'none',
  AWS_EC2_METADATA_DISABLED: 'true',
};

export interface Warehouses {
  snowflake: FakeSnowflake | null;
  bigquery: FakeBigQuery | null;
  athena?: FakeAthena;
  databricks?: FakeDatabricks;
  synapse?: FakeSynapse;
}

/** Starts the fakes of the kinds asked for, each holding the bench table. */
export async function startWarehouses(kinds: WarehouseKind[], spec: BenchSpec): Promise<Warehouses> {
  const create = (generated: (spec: BenchSpec) => string) =>
    `CREATE TABLE ${spec.dataset.table} AS SELECT ${generated(spec)} FROM range(1, ${spec.rows + 1}) AS r(i)`;
  const out: Warehouses = { snowflake: null, bigquery: null };
  if (kinds.includes('snowflake')) {
    const fake = await FakeSnowflake.start({ account: ACCOUNT, users: { [USER]: { password: PASSWORD } } });
    await fake.exclusive(() => fake.duckdb.run(create(spec.dataset.generated)));
    out.snowflake = fake;
  }
  if (kinds.includes('bigquery')) {
    const fake = await FakeBigQuery.start({ projectId: PROJECT, accessToken: TOKEN, location: 'US' });
    await fake.exclusive(() => fake.duckdb.run(create(spec.dataset.bigqueryGenerated ?? spec.dataset.generated)));
    out.bigquery = fake;
  }
  if (kinds.includes('athena')) out.athena = await startFakeAthena(ATHENA_KEY);
  if (kinds.includes('databricks'))
    out.databricks = await startFakeDatabricks({
      warehouseId: BRICKS_WAREHOUSE,
      token: BRICKS_TOKEN,
      client: { id: 'bench', secret: 'bench' },
      chunkRows: 10_000,
    });
  if (kinds.includes('synapse'))
    out.synapse = await startFakeSynapse({ user: SYNAPSE_USER, password: SYNAPSE_PASSWORD });
  for (const fake of [out.athena, out.databricks, out.synapse]) await fake?.backend.run(create(spec.dataset.generated));
  return out;
}

export async function stopWarehouses(warehouses: Warehouses): Promise<void> {
  await warehouses.snowflake?.close();
  await warehouses.bigquery?.close();
  for (const fake of [warehouses.athena, warehouses.databricks, warehouses.synapse]) await fake?.close();
}

/** The source config of a warehouse kind, pointing at its fake. */
export function warehouseSource(kind: WarehouseKind, warehouses: Warehouses): SourceConfig {
  if (kind === 'athena' || kind === 'databricks' || kind === 'synapse') return pluginSource(kind, warehouses);
  if (kind === 'snowflake') {
    return {
      kind: 'snowflake',
      name: 'bench',
      account: ACCOUNT,
      username: USER,
      password: { env: 'WHARF_BENCH_SF_PASSWORD' },
      warehouse: 'WHARF_WH',
      database: 'WHARF',
      schema: 'PUBLIC',
      accessUrl: warehouses.snowflake!.url,
    };
  }
  return { kind: 'bigquery', name: 'bench', projectId: PROJECT, location: 'US', apiEndpoint: warehouses.bigquery!.url };
}

/** Each plugin source's fields besides its kind and name, pointing at its fake. */
const PLUGIN_SOURCES: Record<PluginKind, (warehouses: Warehouses) => Record<string, unknown>> = {
  athena: (w) => ({
    region: 'us-east-1',
    database: 'main',
    endpoint: w.athena!.endpoint,
    pollIntervalMs: 10,
    accessKeyId: { env: 'WHARF_BENCH_ATHENA_KEY' },
    secretAccessKey: { env: 'WHARF_BENCH_ATHENA_SECRET' },
  }),
  databricks: (w) => ({
    host: w.databricks!.host,
    warehouseId: BRICKS_WAREHOUSE,
    token: { env: 'WHARF_BENCH_BRICKS_TOKEN' },
    pollIntervalMs: 10,
  }),
  synapse: (w) => ({
    server: '127.0.0.1',
    port: w.synapse!.port,
    database: 'dw',
    user: SYNAPSE_USER,
    password: { env: 'WHARF_BENCH_SYNAPSE_PASSWORD' },
    encrypt: false,
  }),
};

function pluginSource(kind: PluginKind, warehouses: Warehouses): SourceConfig {
  return { kind, name: 'bench', ...PLUGIN_SOURCES[kind](warehouses) } as unknown as SourceConfig;
}

/** What the client limit's child process reads (WHARF_BENCH_LIMIT, JSON). */
export interface ClientLimitCase {
  source: SourceConfig;
  sql: string;
}

/**
 * Seconds for the bare client to read `sql`'s whole result from the fake and discard it.
 * The child runs asynchronously: the fake answers from this process's event loop.
 */
export function clientLimit(source: SourceConfig, sql: string): Promise<number> {
  const spec: ClientLimitCase = { source, sql };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'ingest-client-limit.ts')], {
      env: { ...process.env, ...WAREHOUSE_ENV, WHARF_BENCH_LIMIT: JSON.stringify(spec) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`the client limit failed (exit ${code}) for ${source.kind}`));
      resolve((JSON.parse(out.trim().split('\n').at(-1)!) as { seconds: number }).seconds);
    });
  });
}
