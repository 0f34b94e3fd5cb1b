/**
 * The built-in `snowflake` source kind. snowflake-sdk is imported inside create(), so projects
 * without Snowflake sources never load it (nor its cloud-platform probes).
 */
import type { SnowflakeSource } from '../../config/types.js';
import { defineConnector } from '../define.js';
import type { ConnectorContext } from '../types.js';
import { SNOWFLAKE_CAPABILITIES } from './capabilities.js';
import type { SnowflakeConnector } from './connector.js';
import { openSnowflake } from './open.js';

export default defineConnector<SnowflakeSource>({
  kind: 'snowflake',
  capabilities: SNOWFLAKE_CAPABILITIES,
  create: (config: SnowflakeSource, context: ConnectorContext): Promise<SnowflakeConnector> =>
    openSnowflake(config, context),
  async openSqlSession(config, context, options) {
    const { openSnowflakeSqlSession } = await import('./sql-session.js');
    return openSnowflakeSqlSession(config, context, options);
  },
});
