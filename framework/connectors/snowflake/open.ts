/** Opens a Snowflake session for a source: loads the SDK, logs in, prepares the session. */
import type { Connection } from 'snowflake-sdk';
import type { SnowflakeSource } from '../../config/types.js';
import type { ConnectorContext } from '../types.js';
import { SnowflakeConnector } from './connector.js';
import { SESSION_SETUP } from './dialect.js';
import { snowflakeError } from './errors.js';
import { connectionOptions, type SnowflakeClientTuning } from './options.js';
import { importOptional } from '../../util/optional-import.js';

type SnowflakeSdk = typeof import('snowflake-sdk');

let sdk: Promise<SnowflakeSdk> | undefined;

/** Loads snowflake-sdk once, quietly; its logger would otherwise write to the console. */
function loadSdk(): Promise<SnowflakeSdk> {
  sdk ??= importOptional('snowflake-sdk', 'A snowflake source', () => import('snowflake-sdk')).then((module) => {
    const loaded = ((module as { default?: SnowflakeSdk }).default ?? module) as SnowflakeSdk;
    loaded.configure({ logLevel: 'OFF' });
    return loaded;
  });
  return sdk;
}

/** A logged-in snowflake-sdk connection for the source; failures are classified WharfErrors naming it. */
export function connectSnowflake(
  config: SnowflakeSource,
  context: ConnectorContext,
  tuning: SnowflakeClientTuning = {},
): Promise<Connection> {
  return connectWith(config, connectionOptions(config, context, tuning));
}

async function connectWith(config: SnowflakeSource, options: Record<string, unknown>): Promise<Connection> {
  const snowflake = await loadSdk();
  const site = { kind: 'snowflake', sourceName: config.name };
  try {
    const created = snowflake.createConnection(options as unknown as Parameters<SnowflakeSdk['createConnection']>[0]);
    // connect() reports login failures through its callback only.
    return await new Promise<typeof created>((resolve, reject) =>
      created.connect((err) => (err ? reject(err) : resolve(created))),
    );
  } catch (err) {
    throw snowflakeError(site, err);
  }
}

/** A logged-in connector for the source; failures are classified WharfErrors naming it. */
export async function openSnowflake(
  config: SnowflakeSource,
  context: ConnectorContext,
  tuning: SnowflakeClientTuning = {},
): Promise<SnowflakeConnector> {
  const options = connectionOptions(config, context, tuning);
  const connection = await connectWith(config, options);
  const connector = new SnowflakeConnector(config.name, connection, options);
  try {
    for (const statement of SESSION_SETUP) await connector.execute(statement);
  } catch (err) {
    await connector.close();
    throw err;
  }
  return connector;
}
