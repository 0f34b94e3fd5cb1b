/**
 * Which connector serves which source kind. Built-ins are listed here and imported lazily, so
 * a project that never uses Snowflake never loads snowflake-sdk. Plugin kinds are added by
 * config/plugins.ts from the project's `plugins` list.
 */
import type { BuiltinSourceKind } from '../config/types.js';
import { WharfError } from '../diagnostics/errors.js';
import type { ConnectorDefinition } from './types.js';

type DefinitionModule = { default: ConnectorDefinition<never> };

/** One line per built-in connector folder; each module's default export is its definition. */
const builtinConnectors: Partial<Record<BuiltinSourceKind, () => Promise<DefinitionModule>>> = {
  duckdb: () => import('./duckdb/index.js'),
  postgres: () => import('./postgres/index.js'),
  redshift: () => import('./redshift/index.js'),
  snowflake: () => import('./snowflake/index.js'),
  bigquery: () => import('./bigquery/index.js'),
  s3: () => import('./s3/index.js'),
};

const pluginConnectors = new Map<string, ConnectorDefinition<never>>();

export const BUILTIN_SOURCE_KINDS: readonly BuiltinSourceKind[] = [
  'duckdb',
  'postgres',
  'redshift',
  'snowflake',
  'bigquery',
  's3',
];

export function isBuiltinKind(kind: string): kind is BuiltinSourceKind {
  return (BUILTIN_SOURCE_KINDS as readonly string[]).includes(kind);
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
export const SQL_SESSION_KINDS: readonly BuiltinSourceKind[] = ['duckdb', 'postgres'];

/** Whether a source kind can host the experiment pipeline (an experiment's `warehouse`). */
export function hasSqlSession(kind: string): boolean {
  return isBuiltinKind(kind) ? SQL_SESSION_KINDS.includes(kind) : pluginConnectors.get(kind)?.openSqlSession !== undefined;
}

export function pluginConnector(kind: string): ConnectorDefinition<never> | undefined {
  return pluginConnectors.get(kind);
}

/** The connector definition for a source kind; a clear config error when none is available. */
export async function connectorFor(kind: string): Promise<ConnectorDefinition<never>> {
  if (isBuiltinKind(kind)) {
    const load = builtinConnectors[kind];
    if (load) return (await load()).default;
    throw new WharfError(`No connector is available for source kind '${kind}'.`, {
      code: 'connector.unavailable',
      errorClass: 'config',
    });
  }
  const plugin = pluginConnectors.get(kind);
  if (plugin) return plugin;
  throw new WharfError(`Unknown source kind '${kind}'.`, {
    code: 'connector.unknown-kind',
    errorClass: 'config',
    hint: `Use one of ${BUILTIN_SOURCE_KINDS.join(', ')}, or list the plugin package that provides '${kind}' in wharf.config.ts \`plugins\`.`,
  });
}
