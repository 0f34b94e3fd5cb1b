/**
 * The Snowflake and BigQuery sources of bench/ingest.ts: their protocol fakes on 127.0.0.1
 * (the ones the tests use), run in the bench's own process and holding the bench table in
 * their in-memory DuckDB, the source configs Wharf loads from, and the limit of their path —
 * the bare client (snowflake-sdk, @google-cloud/bigquery) reading the same query's result
 * and discarding it, in a child process (bench/ingest-client-limit.ts) like Wharf's load.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { SourceConfig } from '../framework/config/types.js';
import { FakeBigQuery } from '../framework/connectors/bigquery/testing/fake-bigquery.js';
import { FakeSnowflake } from '../framework/connectors/snowflake/testing/fake-snowflake.js';
import type { BenchSpec } from './ingest-data.js';

export type WarehouseKind = 'snowflake' | 'bigquery';

const ACCOUNT = 'wharfbench';
const USER = 'wharf_bench';
const PASSWORD = 'bench-password';
const TOKEN = 'ya29.bench-token';
const PROJECT = 'wharf-bench';

/** The environment the child processes (Wharf's load, the client limit) need for the fakes. */
export const WAREHOUSE_ENV = {
  WHARF_BENCH_SF_PASSWORD: PASSWORD,
  WHARF_BENCH_BQ_TOKEN: TOKEN,
  SNOWFLAKE_DISABLE_PLATFORM_DETECTION: 'true',
  METADATA_SERVER_DETECTION: 'none',
};

export interface Warehouses {
  snowflake: FakeSnowflake | null;
  bigquery: FakeBigQuery | null;
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
  return out;
}

export async function stopWarehouses(warehouses: Warehouses): Promise<void> {
  await warehouses.snowflake?.close();
  await warehouses.bigquery?.close();
}

/** The source config of a warehouse kind, pointing at its fake. */
export function warehouseSource(kind: WarehouseKind, warehouses: Warehouses): SourceConfig {
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
