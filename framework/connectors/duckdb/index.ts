/** The built-in `duckdb` source kind: a local DuckDB file (and the generated demo warehouse). */
import type { DuckDBSource } from '../../config/types.js';
import { defineConnector } from '../define.js';
import { DUCKDB_CAPABILITIES, DuckDBConnector } from './connector.js';
import { openDuckDBSqlSession } from './sql-session.js';

export default defineConnector<DuckDBSource>({
  kind: 'duckdb',
  capabilities: DUCKDB_CAPABILITIES,
  create: (config, context) => DuckDBConnector.open(config, context),
  openSqlSession: (config, context, options) => openDuckDBSqlSession(config, context, options),
});
