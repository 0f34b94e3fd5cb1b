/** Opens a BigQuery client for a source; @google-cloud/bigquery is loaded here, lazily. */
import type { BigQuerySource } from '../../config/types.js';
import type { ConnectorContext } from '../types.js';
import { BigQueryConnector } from './connector.js';
import { clientOptions, type BigQueryClientTuning } from './options.js';
import { importOptional } from '../../util/optional-import.js';

/**
 * A connector for the source. BigQuery has no sessions, so bad credentials or an unreachable
 * endpoint surface on the first call, as classified WharfErrors naming the source.
 */
export async function openBigQuery(
  config: BigQuerySource,
  context: ConnectorContext,
  tuning: BigQueryClientTuning = {},
): Promise<BigQueryConnector> {
  const options = clientOptions(config, context, tuning);
  const { BigQuery } = await importOptional(
    '@google-cloud/bigquery',
    'A bigquery source',
    () => import('@google-cloud/bigquery'),
  );
  return new BigQueryConnector(config.name, new BigQuery(options), config.location);
}
