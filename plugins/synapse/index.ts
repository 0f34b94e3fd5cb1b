/**
 * @wharf/plugin-synapse: Azure Synapse SQL (and SQL Server) as a Wharf source kind
 * (`synapse`). List it in wharf.config.ts `plugins` and install mssql; the driver is loaded
 * only when a Synapse source is opened.
 */
import { STATEMENT_CAPABILITIES, defineConnector, definePlugin } from '@wharf/framework';
import { synapseConfigSchema, type SynapseSource } from './options.js';

export type { SynapseSource } from './options.js';

declare module '@wharf/framework' {
  interface PluginSourceTypes {
    synapse: SynapseSource;
  }
  /** The codes of this plugin's WharfErrors, checked by the compiler. */
  interface PluginErrorCodes {
    synapse: 'synapse.auth' | 'synapse.connection' | 'synapse.driver-missing' | 'synapse.query-failed';
  }
}

export const synapseConnector = defineConnector<SynapseSource>({
  kind: 'synapse',
  capabilities: STATEMENT_CAPABILITIES,
  configSchema: synapseConfigSchema,
  async create(config, context) {
    const { openSynapse } = await import('./connector.js');
    return openSynapse(config, context);
  },
});

export default definePlugin({ name: '@wharf/plugin-synapse', connectors: [synapseConnector] });
