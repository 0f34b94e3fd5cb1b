/**
 * The built-in `redshift` source kind: the PostgreSQL-protocol connector (server-side
 * cursor, SSL options) with Redshift's default port 5439.
 */
import type { RedshiftSource } from '../../config/types.js';
import { defineConnector } from '../define.js';
import { REDSHIFT_CAPABILITIES, PgConnector } from '../postgres/connector.js';

export default defineConnector<RedshiftSource>({
  kind: 'redshift',
  capabilities: REDSHIFT_CAPABILITIES,
  create: (config, context) => PgConnector.open(config, context),
});
