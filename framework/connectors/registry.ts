/**
 * Which connector serves which source kind. Built-ins are listed once, in BUILTIN_CONNECTORS,
 * and imported lazily, so a project that never uses Snowflake never loads snowflake-sdk.
 * Plugin kinds are added by config/plugins.ts from the project's `plugins` list.
 */
import type { BuiltinSourceKind, BuiltinSourceTypes } from '../config/types.js';
import { WharfError } from '../diagnostics/errors.js';
import type { ConnectorDefinition } from './types.js';

/** A built-in kind: its connector folder, and the schema definition its modules are validated against. */
interface BuiltinConnector<C> {
  /** The definition's name in framework/schema/wharf.schema.json (the config type's name). */
  schemaDefinition: string;
  /** The connector folder's index.ts; its default export is the definition. */
  load: () => Promise<{ default: ConnectorDefinition<C> }>;
}

/**
 * The built-in source kinds: one entry per kind of config/types.ts BuiltinSourceTypes (the
 * compiler checks that none is missing or extra, and that each folder serves its kind's
 * config type). The loader, the schema generator and connectorFor read it.
 */
export const BUILTIN_CONNECTORS = {
  duckdb: { schemaDefinition: 'DuckDBSource', load: () => import('./duckdb/index.js') },
  postgres: { schemaDefinition: 'PostgresSource', load: () => import('./postgres/index.js') },
  redshift: { schemaDefinition: 'RedshiftSource', load: () => import('./redshift/index.js') },
  snowflake: { schemaDefinition: 'SnowflakeSource', load: () => import('./snowflake/index.js') },
  bigquery: { schemaDefinition: 'BigQuerySource', load: () => import('./bigquery/index.js') },
  s3: { schemaDefinition: 'S3Source', load: () => import('./s3/index.js') },
} satisfies { [K in BuiltinSourceKind]: BuiltinConnector<BuiltinSourceTypes[K]> };

export const BUILTIN_SOURCE_KINDS = Object.keys(BUILTIN_CONNECTORS) as readonly BuiltinSourceKind[];

const pluginConnectors = new Map<string, ConnectorDefinition<never>>();

export function isBuiltinKind(kind: string): kind is BuiltinSourceKind {
  return Object.hasOwn(BUILTIN_CONNECTORS, kind);
}

/** The schema definition a built-in kind's modules are validated against. */
export function schemaDefinitionOf(kind: BuiltinSourceKind): string {
  return BUILTIN_CONNECTORS[kind].schemaDefinition;
}

export function registerPluginConnector(definition: ConnectorDefinition<never>): void {
  if (isBuiltinKind(definition.kind)) {
    throw new WharfError(`A plugin may not replace the built-in connector '${definition.kind}'.`, {
      code: 'plugin.builtin-kind',
      errorClass: 'config',
    });
  }
  pluginConnectors.set(definition.kind, definition);
}

/**
 * Built-in kinds whose definition has `openSqlSession` (they can host the experiment
 * pipeline), listed here so config checks need not load the connector modules.
 */
export const SQL_SESSION_KINDS: readonly BuiltinSourceKind[] = [
  'duckdb',
  'postgres',
  'redshift',
  'snowflake',
  'bigquery',
];

/** Whether a source kind can host the experiment pipeline (an experiment's `warehouse`). */
export function hasSqlSession(kind: string): boolean {
  return isBuiltinKind(kind)
    ? SQL_SESSION_KINDS.includes(kind)
    : pluginConnectors.get(kind)?.openSqlSession !== undefined;
}

export function pluginConnector(kind: string): ConnectorDefinition<never> | undefined {
  return pluginConnectors.get(kind);
}

/** The connector definition for a source kind; a clear config error when none is available. */
export async function connectorFor(kind: string): Promise<ConnectorDefinition<never>> {
  if (isBuiltinKind(kind)) return (await BUILTIN_CONNECTORS[kind].load()).default as ConnectorDefinition<never>;
  const plugin = pluginConnectors.get(kind);
  if (plugin) return plugin;
  throw new WharfError(`Unknown source kind '${kind}'.`, {
    code: 'connector.unknown-kind',
    errorClass: 'config',
    hint: `Use one of ${BUILTIN_SOURCE_KINDS.join(', ')}, or list the plugin package that provides '${kind}' in wharf.config.ts \`plugins\`.`,
  });
}
