/**
 * The `athena` source: where queries run (region, catalog, database, workgroup, result
 * location) and how to authenticate. The JSON Schema below is what the loader validates
 * `sources/*.ts` against; the TypeScript type is what editors check.
 */
import type { SecretRef, SourceBase } from '@wharf/framework';

export interface AthenaSource extends SourceBase {
  kind: 'athena';
  region: string;
  /** Database (schema) unqualified table names resolve in. */
  database: string;
  /** Data catalog; defaults to AwsDataCatalog. */
  catalog?: string;
  /** Workgroup; defaults to `primary`. */
  workGroup?: string;
  /** s3:// location for query results, unless the workgroup sets one. */
  outputLocation?: string;
  /** Endpoint override (VPC endpoints, tests). */
  endpoint?: string;
  /** Static credentials; without them the default AWS credential chain is used. */
  accessKeyId?: SecretRef;
  secretAccessKey?: SecretRef;
  /** How often to poll a running query, in milliseconds (default 1000). */
  pollIntervalMs?: number;
}

const secretRef = {
  type: 'object',
  additionalProperties: false,
  required: ['env'],
  properties: { env: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } },
};

export const athenaConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'name', 'region', 'database'],
  properties: {
    kind: { const: 'athena' },
    name: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,62}$' },
    description: { type: 'string' },
    maxConcurrency: { type: 'integer', minimum: 1 },
    region: { type: 'string', minLength: 1 },
    database: { type: 'string', minLength: 1 },
    catalog: { type: 'string', minLength: 1 },
    workGroup: { type: 'string', minLength: 1 },
    outputLocation: { type: 'string', pattern: '^s3://' },
    endpoint: { type: 'string', pattern: '^https?://' },
    accessKeyId: secretRef,
    secretAccessKey: secretRef,
    pollIntervalMs: { type: 'integer', minimum: 1 },
  },
} as const;
