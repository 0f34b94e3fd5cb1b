/**
 * The conformance setup for the PostgreSQL-protocol connector (kinds `postgres` and
 * `redshift`) against the real PostgreSQL test server: a fresh database per run, fixtures
 * loaded with a `pg` client, and the connector opened by host, explicit port, database and user.
 *
 * The test server uses trust authentication, so it cannot refuse a wrong password; the
 * rejected-credentials case logs in as a role the server refuses (NOLOGIN) with a password set.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { PostgresSource, RedshiftSource } from '../../../config/types.js';
import { createTestDatabase } from '../../../../test/support/postgres.js';
import { testContext } from '../../conformance/context.js';
import type { ConformanceSetup } from '../../conformance/harness.js';
import { closedLoopbackPort } from '../../conformance/loopback.js';
import { createPostgresSeries, loadPostgresTable } from '../../conformance/postgres-fixtures.js';
import { PgConnector } from '../connector.js';

/** Where the connector logs in: the test server's host and port and a fresh database. */
interface Target {
  host: string;
  port: number;
  database: string;
  user: string;
}

const REFUSED_ROLE = 'wharf_conformance_refused';

/** Creates a role the server refuses to log in, once per server (roles are cluster-wide; runs may race). */
async function ensureRefusedRole(client: pg.Client): Promise<void> {
  await client.query(
    `DO $$ BEGIN CREATE ROLE ${REFUSED_ROLE} NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`,
  );
}

/** A ConformanceSetup for `kind`, on the PostgreSQL test server. */
export function pgConformanceSetup(kind: 'postgres' | 'redshift'): ConformanceSetup {
  const secret = `refused-${randomBytes(8).toString('hex')}`;
  const password = `accepted-${randomBytes(8).toString('hex')}`;
  const context = testContext({ PG_PASSWORD: password, PG_WRONG: secret });
  const source = (target: Target, extra: Partial<PostgresSource> = {}): PostgresSource | RedshiftSource =>
    ({
      name: `${kind}_main`,
      kind,
      host: target.host,
      port: target.port,
      database: target.database,
      user: target.user,
      password: { env: 'PG_PASSWORD' },
      ...extra,
    }) as PostgresSource | RedshiftSource;

  return {
    protocolFake: false,
    faults: false,
    async open() {
      const url = new URL(await createTestDatabase(`wharf_${kind}_conf`));
      const target: Target = {
        host: url.hostname,
        port: Number(url.port),
        database: url.pathname.slice(1),
        user: decodeURIComponent(url.username),
      };
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      await ensureRefusedRole(client);
      const connector = await PgConnector.open(source(target), context);
      return {
        connector,
        async createTable(name, columns, rows) {
          await loadPostgresTable(client, name, columns, rows);
          return name;
        },
        async createSeries(name, rowCount, day) {
          await createPostgresSeries(client, name, rowCount, day);
          return name;
        },
        badCredentials: () => ({
          open: () => PgConnector.open(source(target, { user: REFUSED_ROLE, password: { env: 'PG_WRONG' } }), context),
          secret,
        }),
        unreachable: async () => PgConnector.open(source({ ...target, port: await closedLoopbackPort() }), context),
        async close() {
          await connector.close();
          await client.end();
        },
      };
    },
  };
}
