/**
 * The `athena` source: where queries run (region, catalog, database, workgroup, result
 * location) and how to authenticate. The JSON Schema below is what the loader validates
 * `sources/*.ts` against; the TypeScript type is what editors check.
 */
import { pluginSourceSchema, SECRET_REF_SCHEMA, type SecretRef, type SourceBase } from '@wharf/framework';

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

export const athenaConfigSchema = pluginSourceSchema('athena', {
  required: ['region', 'database'],
  properties: {
    region: { type: 'string', minLength: 1 },
    database: { type: 'string', minLength: 1 },
    catalog: { type: 'string', minLength: 1 },
    workGroup: { type: 'string', minLength: 1 },
    outputLocation: { type: 'string', pattern: '^s3://' },
    endpoint: { type: 'string', pattern: '^https?://' },
    accessKeyId: SECRET_REF_SCHEMA,
    secretAccessKey: SECRET_REF_SCHEMA,
    pollIntervalMs: { type: 'integer', minimum: 1 },
  },
});
