/**
 * The Snowflake and BigQuery protocol fakes (127.0.0.1) as engine sources for parity tests:
 * each fake seeded with DuckDB statements, its source config, and an opener for the real
 * SDK's connector on it (BigQuery needs an auth client with the fake's fixed token).
 */
import type { BigQuerySource, SnowflakeSource, SourceConfig } from '../../framework/config/types.js';
import { openBigQuery } from '../../framework/connectors/bigquery/open.js';
import { FakeBigQuery } from '../../framework/connectors/bigquery/testing/fake-bigquery.js';
import { fixedTokenClient } from '../../framework/connectors/bigquery/testing/fixed-token.js';
import { testContext } from '../../framework/connectors/conformance/context.js';
import { openSnowflake } from '../../framework/connectors/snowflake/open.js';
import { FakeSnowflake } from '../../framework/connectors/snowflake/testing/fake-snowflake.js';
import type { Connector } from '../../framework/connectors/types.js';

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
