/** The built-in `postgres` source kind (shares its implementation with `redshift`). */
import type { PostgresSource } from '../../config/types.js';
import { defineConnector } from '../define.js';
import { PG_CAPABILITIES, PgConnector } from './connector.js';
import { openPgSqlSession } from './sql-session.js';

export default defineConnector<PostgresSource>({
  kind: 'postgres',
  capabilities: PG_CAPABILITIES,
  create: (config, context) => PgConnector.open(config, context),
  openSqlSession: (config, context, options) => openPgSqlSession({ config, context, options }),
});
