/**
 * The source config of the template kind, `template_http`: a warehouse with a JSON-over-HTTP
 * SQL API. Rename the kind and fields for your warehouse. The TypeScript type is what users'
 * editors check; the JSON Schema is what Wharf validates sources/*.ts against at load time,
 * so keep the two in step.
 */
import { pluginSourceSchema, SECRET_REF_SCHEMA, type SecretRef, type SourceBase } from '@wharf/framework';

export interface TemplateHttpSource extends SourceBase {
  kind: 'template_http';
  /** Base URL of the SQL API, e.g. `https://warehouse.example.com`. */
  endpoint: string;
  /** API token, always an env reference so it never lands in the repository. */
  token: SecretRef;
  /** Rows per result page (default 5000). */
  pageSize?: number;
}

export const templateHttpConfigSchema = pluginSourceSchema('template_http', {
  required: ['endpoint', 'token'],
  properties: {
    endpoint: { type: 'string', pattern: '^https?://' },
    token: SECRET_REF_SCHEMA,
    pageSize: { type: 'integer', minimum: 1 },
  },
});
