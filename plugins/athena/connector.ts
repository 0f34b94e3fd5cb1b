/**
 * The Athena connector: the shared StatementConnector (day filter, counts, presence checks,
 * signals) over AthenaQueryRunner, in Athena's Trino dialect (ANSI). Athena sessions run in
 * UTC, which the zone-less timestamp bounds of the day filter rely on.
 */
import {
  ANSI_DIALECT,
  StatementConnector,
  WharfError,
  registerSecret,
  type Connector,
  type ConnectorContext,
} from '@wharf/framework';
import type { AthenaSource } from './options.js';
import { AthenaQueryRunner } from './query-runner.js';

export async function openAthena(config: AthenaSource, context: ConnectorContext): Promise<Connector> {
  const sdk = await importSdk();
  const client = new sdk.AthenaClient({
    region: config.region,
    endpoint: config.endpoint,
    credentials: credentials(config, context),
    maxAttempts: 3,
  });
  return new StatementConnector({
    kind: 'athena',
    sourceName: config.name,
    dialect: ANSI_DIALECT,
    runner: new AthenaQueryRunner(sdk, client, config),
    textType: 'VARCHAR',
    close: () => client.destroy(),
  });
}

async function importSdk() {
  try {
    return await import('@aws-sdk/client-athena');
  } catch (err) {
    throw new WharfError('The Athena connector needs @aws-sdk/client-athena, which is not installed.', {
      code: 'athena.sdk-missing',
      errorClass: 'config',
      hint: 'Run `npm install @aws-sdk/client-athena`.',
      cause: err,
    });
  }
}

function credentials(config: AthenaSource, context: ConnectorContext) {
  if (!config.accessKeyId && !config.secretAccessKey) return undefined;
  if (!config.accessKeyId || !config.secretAccessKey) {
    throw new WharfError(`Source '${config.name}' sets only one of accessKeyId and secretAccessKey.`, {
      code: 'athena.partial-credentials',
      errorClass: 'config',
      hint: 'Set both, or neither to use the default AWS credential chain.',
    });
  }
  const accessKeyId = context.resolveSecret(config.accessKeyId, 'accessKeyId');
  const secretAccessKey = context.resolveSecret(config.secretAccessKey, 'secretAccessKey');
  registerSecret(accessKeyId);
  registerSecret(secretAccessKey);
  return { accessKeyId, secretAccessKey };
}
