/**
 * The template connector: Wharf's StatementConnector does the Connector contract (day filter,
 * counts, presence, describe, sample, batching, signals); this file only resolves the token
 * and chooses a dialect. A new warehouse usually needs a new dialect (quoting, how an instant
 * is written, row limits) and a new api-client.ts, and nothing else here.
 */
import {
  ANSI_DIALECT,
  StatementConnector,
  registerSecret,
  type Connector,
  type ConnectorContext,
} from '@wharf/framework';
import { ApiClient } from './api-client.js';
import type { TemplateHttpSource } from './options.js';

/** Opens a `template_http` source: its API client behind the shared statement connector. */
export async function openTemplateHttp(config: TemplateHttpSource, context: ConnectorContext): Promise<Connector> {
  const token = context.resolveSecret(config.token, 'token');
  registerSecret(token);
  return new StatementConnector({
    kind: 'template_http',
    sourceName: config.name,
    dialect: ANSI_DIALECT,
    runner: new ApiClient(config, token),
    textType: 'VARCHAR',
  });
}
