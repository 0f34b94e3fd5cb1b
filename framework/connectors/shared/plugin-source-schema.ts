/**
 * The JSON Schema pieces every plugin source kind repeats: a secret reference and the fields
 * of SourceBase (kind, name, description, maxConcurrency). A plugin lists only its own fields,
 * so the base rules (name pattern, env variable names) stay the same as the built-in kinds'.
 */

/** `{ env: 'VAR' }`: a secret read from an environment variable at run time. */
export const SECRET_REF_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['env'],
  properties: { env: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } },
} as const;

/** The kind-specific part of a plugin source's schema. */
export interface PluginSourceSchemaSpec {
  /** Required fields besides `kind` and `name`. */
  required: readonly string[];
  /** The kind's own fields (SourceBase's fields are added). */
  properties: Record<string, unknown>;
  /** Alternative requirements, e.g. a token or a client id and secret. */
  oneOf?: readonly Record<string, unknown>[];
}

/** The JSON Schema of a plugin source kind: SourceBase's fields plus the kind's own. */
export function pluginSourceSchema(kind: string, spec: PluginSourceSchemaSpec): Record<string, unknown> {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['kind', 'name', ...spec.required],
    properties: {
      kind: { const: kind },
      name: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,62}$' },
      description: { type: 'string' },
      maxConcurrency: { type: 'integer', minimum: 1 },
      ...spec.properties,
    },
    ...(spec.oneOf ? { oneOf: spec.oneOf } : {}),
  };
}
