/**
 * Loads the plugin packages a project lists in `plugins`. A plugin's default export is a
 * WharfPlugin: connectors and notifiers it contributes. A plugin that cannot be loaded is a
 * diagnostic on the sources that need it, not a crash: the rest of the project still works.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { registerPluginConnector } from '../connectors/registry.js';
import type { ConnectorDefinition } from '../connectors/types.js';
import type { NotifierDefinition } from '../notify/notifier.js';
import { registerPluginNotifier } from '../notify/registry.js';
import { messageOf, WharfError } from '../diagnostics/errors.js';

/** What a plugin package exports by default. */
export interface WharfPlugin {
  name: string;
  connectors?: ConnectorDefinition<never>[];
  notifiers?: NotifierDefinition<never>[];
}

export function definePlugin(plugin: WharfPlugin): WharfPlugin {
  return plugin;
}

export interface PluginLoadResult {
  /** Source kind → plugin package that provides it. */
  kinds: Map<string, string>;
  /** Notifier kind → plugin package that provides it. */
  notifierKinds: Map<string, string>;
  /** Plugin package → why it could not be loaded. */
  failures: Map<string, string>;
}

/**
 * Why a source kind is unavailable, for the diagnostics of the sources that use it: the load
 * failure of the plugin package that provides it. A package that cannot be loaded cannot say
 * which kinds it provides, so the kind is matched against package names (`@wharf/plugin-athena`,
 * `wharf-plugin-athena` and `@acme/athena` all provide `athena`); when none matches, every
 * failure is listed. Undefined when no plugin failed.
 */
export function unavailableKindReason(kind: string, plugins: PluginLoadResult): string | undefined {
  const failures = [...plugins.failures.entries()];
  const named = failures.filter(([pkg]) => packageProvidesKind(pkg, kind));
  const relevant = named.length > 0 ? named : failures;
  return relevant.length > 0 ? relevant.map(([, reason]) => reason).join(' ') : undefined;
}

function packageProvidesKind(pkg: string, kind: string): boolean {
  const base = pkg.split('/').pop() ?? pkg;
  return base === kind || base.endsWith(`-${kind}`);
}

export async function loadPlugins(root: string, packages: readonly string[]): Promise<PluginLoadResult> {
  const result: PluginLoadResult = { kinds: new Map(), notifierKinds: new Map(), failures: new Map() };
  const require = createRequire(join(root, 'package.json'));
  for (const pkg of packages) {
    let entry: string;
    try {
      entry = require.resolve(pkg);
    } catch {
      result.failures.set(pkg, `The plugin package '${pkg}' is not installed. Run \`npm install ${pkg}\`.`);
      continue;
    }
    try {
      // Imported when a plugin is loaded: config modules import this file (definePlugin) and
      // need not load the TypeScript loader.
      const { importConfigModule } = await import('./module-import.js');
      const plugin = (await importConfigModule(entry)) as WharfPlugin | undefined;
      if (!plugin || !Array.isArray(plugin.connectors ?? []) || !Array.isArray(plugin.notifiers ?? [])) {
        throw new WharfError('its default export is not a plugin (use definePlugin)', {
          code: 'plugin.not-a-plugin',
          errorClass: 'config',
        });
      }
      for (const connector of plugin.connectors ?? []) {
        registerPluginConnector(connector);
        result.kinds.set(connector.kind, pkg);
      }
      for (const notifier of plugin.notifiers ?? []) {
        registerPluginNotifier(notifier);
        result.notifierKinds.set(notifier.kind, pkg);
      }
    } catch (err) {
      result.failures.set(pkg, `The plugin package '${pkg}' failed to load: ${messageOf(err)}`);
    }
  }
  return result;
}
