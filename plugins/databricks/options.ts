/**
 * The `databricks` source: a SQL warehouse reached through the SQL Statement Execution API,
 * with a personal access token or OAuth machine-to-machine (service principal) credentials.
 */
import { pluginSourceSchema, SECRET_REF_SCHEMA, type SecretRef, type SourceBase } from '@wharf/framework';

export interface DatabricksSource extends SourceBase {
  kind: 'databricks';
  /** Workspace URL, e.g. `https://adb-1234567890123456.7.azuredatabricks.net`. */
  host: string;
  /** SQL warehouse id (from its connection details). */
  warehouseId: string;
  catalog?: string;
  schema?: string;
  /** Personal access token. */
  token?: SecretRef;
  /** OAuth M2M: a service principal's client id and secret (instead of a token). */
  clientId?: SecretRef;
  clientSecret?: SecretRef;
  /** How often to poll a running statement, in milliseconds (default 1000). */
  pollIntervalMs?: number;
}

export const databricksConfigSchema = pluginSourceSchema('databricks', {
  required: ['host', 'warehouseId'],
  properties: {
    host: { type: 'string', pattern: '^https?://' },
    warehouseId: { type: 'string', minLength: 1 },
    catalog: { type: 'string', minLength: 1 },
    schema: { type: 'string', minLength: 1 },
    token: SECRET_REF_SCHEMA,
    clientId: SECRET_REF_SCHEMA,
    clientSecret: SECRET_REF_SCHEMA,
    pollIntervalMs: { type: 'integer', minimum: 1 },
  },
  oneOf: [{ required: ['token'] }, { required: ['clientId', 'clientSecret'] }],
});
