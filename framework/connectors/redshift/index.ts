/**
 * The built-in `redshift` source kind: the PostgreSQL-protocol connector (server-side
 * cursor, SSL options) with Redshift's default port 5439, and a SQL session for experiments
 * that run in it.
 */
import type { RedshiftSource } from '../../config/types.js';
import { defineConnector } from '../define.js';
import { REDSHIFT_CAPABILITIES, PgConnector } from '../postgres/connector.js';
import { openRedshiftSqlSession } from './sql-session.js';

export default defineConnector<RedshiftSource>({
  kind: 'redshift',
  capabilities: REDSHIFT_CAPABILITIES,
  create: (config, context) => PgConnector.open(config, context),
  openSqlSession: (config, context, options) => openRedshiftSqlSession(config, context, options),
});
