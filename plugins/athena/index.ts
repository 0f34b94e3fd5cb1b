/**
 * @wharf/plugin-athena: Amazon Athena as a Wharf source kind (`athena`). List it in
 * wharf.config.ts `plugins` and install @aws-sdk/client-athena; the SDK is loaded only when
 * an Athena source is opened.
 */
import { STATEMENT_CAPABILITIES, defineConnector, definePlugin } from '@wharf/framework';
import { athenaConfigSchema, type AthenaSource } from './options.js';

export type { AthenaSource } from './options.js';

declare module '@wharf/framework' {
  interface PluginSourceTypes {
    athena: AthenaSource;
  }
  /** The codes of this plugin's WharfErrors, checked by the compiler. */
  interface PluginErrorCodes {
    athena:
      | 'athena.auth'
      | 'athena.connection'
      | 'athena.partial-credentials'
      | 'athena.query-failed'
      | 'athena.request-failed'
      | 'athena.sdk-missing'
      | 'athena.unavailable'
      | 'athena.no-execution-id'
      | 'athena.timestamp-zone';
  }
}

export const athenaConnector = defineConnector<AthenaSource>({
  kind: 'athena',
  capabilities: STATEMENT_CAPABILITIES,
  configSchema: athenaConfigSchema,
  async create(config, context) {
    const { openAthena } = await import('./connector.js');
    return openAthena(config, context);
  },
});

export default definePlugin({ name: '@wharf/plugin-athena', connectors: [athenaConnector] });
