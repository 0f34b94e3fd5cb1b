/**
 * A template plugin with one connector and one notifier. The default export is what Wharf loads when a project lists
 * the package in wharf.config.ts `plugins`; the `declare module` block makes the new source
 * kind type-check in users' sources/*.ts. Keep this file light: the connector (and any heavy
 * client library) is imported inside create(), only when a source of this kind is opened.
 */
import { STATEMENT_CAPABILITIES, defineConnector, definePlugin } from '@wharf/framework';
import { templateHttpConfigSchema, type TemplateHttpSource } from './options.js';
import { templateChatNotifier } from './notifier.js';

export type { TemplateHttpSource } from './options.js';
export type { TemplateChatTarget } from './notifier.js';

declare module '@wharf/framework' {
  interface PluginSourceTypes {
    template_http: TemplateHttpSource;
  }
  /** The codes of this plugin's WharfErrors, checked by the compiler. */
  interface PluginErrorCodes {
    template_http: 'template.auth' | 'template.connection' | 'template.query-failed' | 'template.unavailable';
  }
}

export const templateHttpConnector = defineConnector<TemplateHttpSource>({
  kind: 'template_http',
  capabilities: STATEMENT_CAPABILITIES,
  configSchema: templateHttpConfigSchema,
  async create(config, context) {
    const { openTemplateHttp } = await import('./connector.js');
    return openTemplateHttp(config, context);
  },
});

export default definePlugin({
  name: '@wharf/plugin-template',
  connectors: [templateHttpConnector],
  notifiers: [templateChatNotifier],
});
