/**
 * The Snowflake and BigQuery protocol fakes (127.0.0.1), and the Athena, Databricks and
 * Synapse plugins' fakes, as engine sources for parity tests: each fake seeded with DuckDB
 * statements, its source config, and an opener for the real client's connector on it
 * (BigQuery needs an auth client with the fake's fixed token).
 */
import type { BigQuerySource, SnowflakeSource, SourceConfig } from '../../framework/config/types.js';
import { openBigQuery } from '../../framework/connectors/bigquery/open.js';
import { FakeBigQuery } from '../../framework/connectors/bigquery/testing/fake-bigquery.js';
import { fixedTokenClient } from '../../framework/connectors/bigquery/testing/fixed-token.js';
import { testContext } from '../../framework/connectors/conformance/context.js';
import { openSnowflake } from '../../framework/connectors/snowflake/open.js';
import { FakeSnowflake } from '../../framework/connectors/snowflake/testing/fake-snowflake.js';
import type { Connector, ConnectorContext } from '../../framework/connectors/types.js';
import type { WharfPlugin } from '../../framework/config/plugins.js';
import athena from '../../plugins/athena/index.js';
import { startFakeAthena } from '../../plugins/athena/test/fake-athena.js';
import databricks from '../../plugins/databricks/index.js';
import { startFakeDatabricks } from '../../plugins/databricks/test/fake-databricks.js';
import synapse from '../../plugins/synapse/index.js';
import { startFakeSynapse } from '../../plugins/synapse/test/fake-synapse.js';

process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION = 'true';
process.env.METADATA_SERVER_DETECTION = 'none';

const PASSWORD = 'parity-password';
const TOKEN = 'ya29.parity-token';

/** A seeded protocol fake, its source config (named `src`) and how to open a connector on it. */
export interface Warehouse {
  source: SourceConfig;
  open(): Promise<Connector>;
  close(): Promise<void>;
}

async function seed(fake: FakeSnowflake | FakeBigQuery, statements: string[]): Promise<void> {
  await fake.exclusive(async () => {
    for (const s of statements) await fake.duckdb.run(s);
  });
}

export async function snowflakeWarehouse(statements: string[]): Promise<Warehouse> {
  const fake = await FakeSnowflake.start({ account: 'paritytest', users: { wharf: { password: PASSWORD } } });
  await seed(fake, statements);
  const source: SnowflakeSource = {
    name: 'src',
    kind: 'snowflake',
    account: 'paritytest',
    username: 'wharf',
    password: { env: 'SF_PARITY_PASSWORD' },
    warehouse: 'WHARF_WH',
    database: 'WHARF',
    schema: 'PUBLIC',
    accessUrl: fake.url,
  };
  const context = testContext({ SF_PARITY_PASSWORD: PASSWORD });
  return { source, open: () => openSnowflake(source, context, { sdkRetries: 0 }), close: () => fake.close() };
}

export async function bigqueryWarehouse(statements: string[]): Promise<Warehouse> {
  const fake = await FakeBigQuery.start({ projectId: 'parity', accessToken: TOKEN, location: 'US' });
  await seed(fake, statements);
  const source: BigQuerySource = {
    name: 'src',
    kind: 'bigquery',
    projectId: 'parity',
    location: 'US',
    apiEndpoint: fake.url,
  };
  const tuning = { authClient: fixedTokenClient(TOKEN), maxRetries: 0 };
  return { source, open: () => openBigQuery(source, testContext({}), tuning), close: () => fake.close() };
}

/** The plugin sources' protocol fakes run DuckDB, seeded as the Snowflake and BigQuery fakes are. */
async function seedBackend(backend: { run(sql: string): Promise<unknown> }, statements: string[]): Promise<void> {
  for (const s of statements) await backend.run(s);
}

const ATHENA_KEY = 'AKIAPARITYTEST0001';
const BRICKS_TOKEN = 'dapi-parity-token';
const SYNAPSE_PASSWORD = 'Parity-Pass-1';

export async function athenaWarehouse(statements: string[]): Promise<Warehouse> {
  const fake = await startFakeAthena(ATHENA_KEY);
  await seedBackend(fake.backend, statements);
  const source = {
    kind: 'athena',
    name: 'src',
    region: 'us-east-1',
    database: 'main',
    endpoint: fake.endpoint,
    pollIntervalMs: 2,
    accessKeyId: { env: 'ATHENA_KEY' },
    secretAccessKey: { env: 'ATHENA_SECRET' },
  };
  const context = testContext({ ATHENA_KEY, ATHENA_SECRET: 'parity-secret' });
  return pluginWarehouse(athena, source, context, () => fake.close());
}

export async function databricksWarehouse(statements: string[]): Promise<Warehouse> {
  const fake = await startFakeDatabricks({
    warehouseId: 'wh-p',
    token: BRICKS_TOKEN,
    client: { id: 'c', secret: 's' },
    chunkRows: 5_000,
  });
  await seedBackend(fake.backend, statements);
  const source = {
    kind: 'databricks',
    name: 'src',
    host: fake.host,
    warehouseId: 'wh-p',
    token: { env: 'BRICKS_TOKEN' },
    pollIntervalMs: 2,
  };
  return pluginWarehouse(databricks, source, testContext({ BRICKS_TOKEN }), () => fake.close());
}

export async function synapseWarehouse(statements: string[]): Promise<Warehouse> {
  const fake = await startFakeSynapse({ user: 'reader', password: SYNAPSE_PASSWORD });
  await seedBackend(fake.backend, statements);
  const source = {
    kind: 'synapse',
    name: 'src',
    server: '127.0.0.1',
    port: fake.port,
    database: 'dw',
    user: 'reader',
    password: { env: 'SYNAPSE_PASSWORD' },
    encrypt: false,
  };
  return pluginWarehouse(synapse, source, testContext({ SYNAPSE_PASSWORD }), () => fake.close());
}

function pluginWarehouse(
  plugin: WharfPlugin,
  source: { kind: string; name: string },
  context: ConnectorContext,
  close: () => Promise<void>,
): Warehouse {
  return {
    source: source as unknown as SourceConfig,
    open: () => plugin.connectors![0].create(source as never, context),
    close,
  };
}

export const WAREHOUSES = {
  snowflake: snowflakeWarehouse,
  bigquery: bigqueryWarehouse,
  athena: athenaWarehouse,
  databricks: databricksWarehouse,
  synapse: synapseWarehouse,
};
