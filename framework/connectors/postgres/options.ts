/** Source config → pg client config: URL or host/port/database/user/password, SSL, and UTC sessions. */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type pg from 'pg';
import type { PostgresSource, RedshiftSource } from '../../config/types.js';
import type { ConnectorContext } from '../types.js';
import { ROW_VALUE_TYPES } from './values.js';

export const DEFAULT_PORTS = { postgres: 5432, redshift: 5439 } as const;

function ssl(config: PostgresSource | RedshiftSource, context: ConnectorContext): pg.ConnectionConfig['ssl'] {
  if (config.ssl === undefined || config.ssl === false) return undefined;
  if (config.ssl === true) return { rejectUnauthorized: true };
  const ca = config.ssl.caFile
    ? readFileSync(
        isAbsolute(config.ssl.caFile) ? config.ssl.caFile : join(context.projectRoot, config.ssl.caFile),
        'utf8',
      )
    : undefined;
  return { rejectUnauthorized: config.ssl.rejectUnauthorized ?? true, ...(ca ? { ca } : {}) };
}

export function pgClientConfig(config: PostgresSource | RedshiftSource, context: ConnectorContext): pg.PoolConfig {
  const base: pg.PoolConfig = {
    types: ROW_VALUE_TYPES,
    ssl: ssl(config, context),
    application_name: 'wharf',
    max: Math.max(2, (config.maxConcurrency ?? 2) + 1),
    connectionTimeoutMillis: 30_000,
  };
  if (config.url) return { ...base, connectionString: context.resolveSecret(config.url, `source ${config.name} url`) };
  return {
    ...base,
    host: config.host,
    port: config.port ?? DEFAULT_PORTS[config.kind],
    database: config.database,
    user: config.user,
    password: config.password ? context.resolveSecret(config.password, `source ${config.name} password`) : undefined,
  };
}
