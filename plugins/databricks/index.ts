/**
 * @wharf/plugin-databricks: Databricks SQL warehouses as a Wharf source kind (`databricks`),
 * over the SQL Statement Execution REST API with Node's fetch: no client library to install.
 */
import { STATEMENT_CAPABILITIES, defineConnector, definePlugin } from '@wharf/framework';
import { databricksConfigSchema, type DatabricksSource } from './options.js';

export type { DatabricksSource } from './options.js';

declare module '@wharf/framework' {
  interface PluginSourceTypes {
    databricks: DatabricksSource;
  }
  /** The codes of this plugin's WharfErrors, checked by the compiler. */
  interface PluginErrorCodes {
    databricks:
      | 'databricks.auth'
      | 'databricks.connection'
      | 'databricks.no-credentials'
      | 'databricks.not-found'
      | 'databricks.request-failed'
      | 'databricks.statement-failed'
      | 'databricks.unavailable';
  }
}

export const databricksConnector = defineConnector<DatabricksSource>({
  kind: 'databricks',
  capabilities: STATEMENT_CAPABILITIES,
  configSchema: databricksConfigSchema,
  async create(config, context) {
    const { openDatabricks } = await import('./connector.js');
    return openDatabricks(config, context);
  },
  async openSqlSession(config, context, options) {
    const { openDatabricksSqlSession } = await import('./sql-session.js');
    return openDatabricksSqlSession(config, context, options);
  },
});

export default definePlugin({ name: '@wharf/plugin-databricks', connectors: [databricksConnector] });
