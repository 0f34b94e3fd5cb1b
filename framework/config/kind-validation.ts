/**
 * The schema check of a source, schedule or mapping module by its kind (`kind`, or `dataset` for
 * mappings): an unknown kind is one diagnostic with the closest known one, and the other fields
 * are still checked against that kind; a source kind from a plugin that did not load says what
 * to install.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { error } from '../diagnostics/diagnostic.js';
import { closestName } from '../diagnostics/suggest.js';
import { BUILTIN_SOURCE_KINDS, isBuiltinKind, pluginConnector, schemaDefinitionOf } from '../connectors/registry.js';
import { field, type ModuleValue } from './module-value.js';
import { unavailableKindReason, type PluginLoadResult } from './plugins.js';
import { validateAgainst, validateDefinition } from './schema-validator.js';

/** Built-in source kind → its schema definition, from the connector registry. */
const SOURCE_DEFINITIONS: Record<string, string> = Object.fromEntries(
  BUILTIN_SOURCE_KINDS.map((k) => [k, schemaDefinitionOf(k)]),
);
const MAPPING_DEFINITIONS: Record<string, string> = { events: 'EventsMapping', metrics: 'MetricsMapping' };
const SCHEDULE_DEFINITIONS: Record<string, string> = {
  daily: 'DailySchedule',
  api: 'ApiSchedule',
  signal: 'SignalSchedule',
};

/** A family of definitions chosen by one field: `discriminator`'s value names the schema definition. */
interface KindedDefinitions {
  discriminator: string;
  definitions: Record<string, string>;
  what: string;
}

export const SCHEDULE_KINDS: KindedDefinitions = {
  discriminator: 'kind',
  definitions: SCHEDULE_DEFINITIONS,
  what: 'schedule',
};
export const MAPPING_KINDS: KindedDefinitions = {
  discriminator: 'dataset',
  definitions: MAPPING_DEFINITIONS,
  what: 'mapping',
};
const SOURCE_KINDS: KindedDefinitions = { discriminator: 'kind', definitions: SOURCE_DEFINITIONS, what: 'source' };

/** Checks a module against the schema definition its kind names; whether it passed. */
export function validateByKind(
  m: ModuleValue,
  { discriminator, definitions, what }: KindedDefinitions,
  diagnostics: Diagnostic[],
): boolean {
  const tag = m.value[discriminator];
  const definition = typeof tag === 'string' ? definitions[tag] : undefined;
  if (!definition) {
    const intended = typeof tag === 'string' ? closestName(tag, Object.keys(definitions)) : undefined;
    diagnostics.push(
      error(
        `${what}.unknown-${discriminator}`,
        `Unknown ${what} ${discriminator} ${JSON.stringify(tag)}.${intended ? ` Did you mean '${intended}'?` : ''}`,
        {
          file: m.file,
          field: field(m.prefix, discriminator),
          hint: `Use one of: ${Object.keys(definitions).join(', ')}.`,
        },
      ),
    );
    // The other fields are still checked, against the kind it most likely means.
    if (intended)
      diagnostics.push(
        ...validateDefinition(definitions[intended], { ...m.value, [discriminator]: intended }, m.file, m.prefix),
      );
    return false;
  }
  const d = validateDefinition(definition, m.value, m.file, m.prefix);
  diagnostics.push(...d);
  return d.length === 0;
}

/**
 * Validates a source against its kind's schema. A source whose kind comes from a plugin that
 * could not be loaded is recorded in `unavailable` (name → why), so the mappings and schedules
 * that use it get one clear diagnostic saying what to install instead of "not defined".
 */
export function validateSource(
  m: ModuleValue,
  plugins: PluginLoadResult,
  diagnostics: Diagnostic[],
  unavailable: Map<string, string>,
): boolean {
  const kind = m.value.kind;
  if (typeof kind === 'string' && isBuiltinKind(kind)) return validateByKind(m, SOURCE_KINDS, diagnostics);
  const connector = typeof kind === 'string' ? pluginConnector(kind) : undefined;
  if (typeof kind === 'string' && connector) {
    const d = connector.configSchema ? validateAgainst(connector.configSchema, m.value, m.file, m.prefix) : [];
    diagnostics.push(...d);
    return d.length === 0;
  }
  const failure = typeof kind === 'string' ? unavailableKindReason(kind, plugins) : undefined;
  if (failure && typeof m.value.name === 'string') {
    unavailable.set(
      m.value.name,
      `The source '${m.value.name}' (${m.file}) has kind '${String(kind)}', which is unavailable. ${failure}`,
    );
  }
  const intended =
    !failure && typeof kind === 'string' ? closestName(kind, Object.keys(SOURCE_DEFINITIONS)) : undefined;
  const summary = failure
    ? `The source kind ${JSON.stringify(kind)} is not available: the plugin that provides it could not be loaded.`
    : `Unknown source kind ${JSON.stringify(kind)}.${intended ? ` Did you mean '${intended}'?` : ''}`;
  diagnostics.push(
    error('source.unknown-kind', summary, {
      file: m.file,
      field: field(m.prefix, 'kind'),
      hint:
        failure ||
        `Use one of: ${Object.keys(SOURCE_DEFINITIONS).join(', ')}, or add the plugin package that provides '${String(kind)}' to \`plugins\` in wharf.config.ts and install it.`,
    }),
  );
  // The other fields are still checked, against the kind it most likely means.
  if (intended)
    diagnostics.push(
      ...validateDefinition(SOURCE_DEFINITIONS[intended], { ...m.value, kind: intended }, m.file, m.prefix),
    );
  return false;
}
