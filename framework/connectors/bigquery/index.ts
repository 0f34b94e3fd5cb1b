/**
 * The built-in `bigquery` source kind. @google-cloud/bigquery is imported inside create() and
 * openSqlSession() (an experiment's `warehouse`), so projects without BigQuery sources never load it.
 */
import type { BigQuerySource } from '../../config/types.js';
import { defineConnector } from '../define.js';
import type { ConnectorContext } from '../types.js';
import { BIGQUERY_CAPABILITIES } from './capabilities.js';
import type { BigQueryConnector } from './connector.js';
import { openBigQuery } from './open.js';
import { openBigQuerySqlSession } from './sql-session.js';

export default defineConnector<BigQuerySource>({
  kind: 'bigquery',
  capabilities: BIGQUERY_CAPABILITIES,
  create: (config: BigQuerySource, context: ConnectorContext): Promise<BigQueryConnector> =>
    openBigQuery(config, context),
  openSqlSession: (config, context, options) => openBigQuerySqlSession(config, context, options),
});
