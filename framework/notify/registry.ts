/**
 * Notifier kinds contributed by plugins, registered when the project's plugins load. Whoever
 * delivers notifications looks plugin kinds up here; built-in kinds are not listed.
 */
import { WharfError } from '../diagnostics/errors.js';
import type { NotifierDefinition } from './notifier.js';

/** Notifier kinds Wharf provides itself; a plugin may not replace them. */
export const BUILTIN_NOTIFIER_KINDS: readonly string[] = ['slack', 'email', 'webhook'];

const pluginNotifiers = new Map<string, NotifierDefinition<never>>();

export function registerPluginNotifier(definition: NotifierDefinition<never>): void {
  if (BUILTIN_NOTIFIER_KINDS.includes(definition.kind)) {
    throw new WharfError(`A plugin may not replace the built-in notifier '${definition.kind}'.`, {
      code: 'plugin.builtin-notifier',
      errorClass: 'config',
    });
  }
  pluginNotifiers.set(definition.kind, definition);
}

/** The plugin notifier of a kind, or undefined. */
export function pluginNotifier(kind: string): NotifierDefinition<never> | undefined {
  return pluginNotifiers.get(kind);
}
