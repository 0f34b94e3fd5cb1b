/**
 * Checks `notifications.targets` in wharf.config.ts. The schema accepts any `kind` (plugins add
 * notifier kinds), so each target is checked here: built-in kinds against their own schema
 * definitions, plugin kinds against the plugin's configSchema, and a kind nobody provides is an
 * error naming the field and, when a plugin failed to load, what to install.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { error } from '../diagnostics/diagnostic.js';
import { BUILTIN_NOTIFIER_KINDS, pluginNotifier } from '../notify/registry.js';
import { unavailableKindReason, type PluginLoadResult } from './plugins.js';
import { validateAgainst, validateDefinition } from './schema-validator.js';
import type { ProjectConfig } from './types.js';

const BUILTIN_DEFINITIONS: Record<string, string> = {
  slack: 'SlackNotifier',
  email: 'EmailNotifier',
  webhook: 'WebhookNotifier',
};

export function checkNotifierTargets(raw: ProjectConfig, configFile: string, plugins: PluginLoadResult): Diagnostic[] {
  const out: Diagnostic[] = [];
  (raw.notifications?.targets ?? []).forEach((target, index) => {
    const prefix = `notifications.targets[${index}]`;
    const kind = String(target.kind);
    if (BUILTIN_NOTIFIER_KINDS.includes(kind)) {
      out.push(...validateDefinition(BUILTIN_DEFINITIONS[kind], target, configFile, prefix));
      return;
    }
    const definition = pluginNotifier(kind);
    if (definition) {
      if (definition.configSchema) out.push(...validateAgainst(definition.configSchema, target, configFile, prefix));
      return;
    }
    out.push(
      error('notifications.unknown-kind', `Unknown notifier kind '${kind}'.`, {
        file: configFile,
        field: `${prefix}.kind`,
        hint:
          unavailableKindReason(kind, plugins) ??
          `Use one of ${BUILTIN_NOTIFIER_KINDS.join(', ')}, or list the plugin package that provides '${kind}' in \`plugins\`.`,
      }),
    );
  });
  return out;
}
