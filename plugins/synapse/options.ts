/**
 * The `synapse` source: an Azure Synapse SQL pool (dedicated or serverless), or any SQL
 * Server, reached with mssql (tedious) and SQL authentication.
 */
import { pluginSourceSchema, SECRET_REF_SCHEMA, type SecretRef, type SourceBase } from '@wharf/framework';

export interface SynapseSource extends SourceBase {
  kind: 'synapse';
  /** Server host, e.g. `myworkspace.sql.azuresynapse.net`. */
  server: string;
  /** Default 1433. */
  port?: number;
  database: string;
  user: string;
  password: SecretRef;
  /** TLS for the connection (default true, as Azure requires). */
  encrypt?: boolean;
  trustServerCertificate?: boolean;
  /** Per-statement timeout in milliseconds (default 10 minutes). */
  requestTimeoutMs?: number;
}

export const synapseConfigSchema = pluginSourceSchema('synapse', {
  required: ['server', 'database', 'user', 'password'],
  properties: {
    server: { type: 'string', minLength: 1 },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    database: { type: 'string', minLength: 1 },
    user: { type: 'string', minLength: 1 },
    password: SECRET_REF_SCHEMA,
    encrypt: { type: 'boolean' },
    trustServerCertificate: { type: 'boolean' },
    requestTimeoutMs: { type: 'integer', minimum: 1 },
  },
});
