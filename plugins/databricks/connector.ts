/**
 * The Databricks connector: the user's Databricks SQL wrapped with Wharf's day filter, counts
 * and presence checks (backtick identifiers; instants as `timestamp_millis(...)`, so the
 * filter does not depend on the warehouse's session time zone).
 */
import {
  ANSI_DIALECT,
  StatementConnector,
  type Connector,
  type ConnectorContext,
  type SqlDialect,
} from '@wharf/framework';
import { tokenProvider } from './auth.js';
import type { DatabricksSource } from './options.js';
import { StatementClient } from './statement-client.js';

/** ANSI with backtick identifiers and instants as `timestamp_millis(...)`. */
export const DATABRICKS_DIALECT: SqlDialect = {
  ...ANSI_DIALECT,
  identifier: (name) => `\`${name.replace(/`/g, '``')}\``,
  timestampLiteral: (instant) => `timestamp_millis(${instant.getTime()})`,
  textInstant: (column) => `try_cast(trim(CAST(${column} AS STRING)) AS TIMESTAMP)`,
};

export async function openDatabricks(config: DatabricksSource, context: ConnectorContext): Promise<Connector> {
  return new StatementConnector({
    kind: 'databricks',
    sourceName: config.name,
    dialect: DATABRICKS_DIALECT,
    runner: new StatementClient(config, tokenProvider(config, context, fetch), fetch),
    textType: 'STRING',
    signalTableExample: 'main.analytics.ingestion_signals',
  });
}
