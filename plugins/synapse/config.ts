/**
 * The `synapse` source: an Azure Synapse SQL pool (dedicated or serverless), or any SQL
 * Server, reached with mssql (tedious) and SQL authentication.
 */
import type { SecretRef, SourceBase } from '@wharf/framework';

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

const secretRef = {
  type: 'object',
  additionalProperties: false,
  required: ['env'],
  properties: { env: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } },
};

export const synapseConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'name', 'server', 'database', 'user', 'password'],
  properties: {
    kind: { const: 'synapse' },
    name: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,62}$' },
    description: { type: 'string' },
    maxConcurrency: { type: 'integer', minimum: 1 },
    server: { type: 'string', minLength: 1 },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    database: { type: 'string', minLength: 1 },
    user: { type: 'string', minLength: 1 },
    password: secretRef,
    encrypt: { type: 'boolean' },
    trustServerCertificate: { type: 'boolean' },
    requestTimeoutMs: { type: 'integer', minimum: 1 },
  },
} as const;
