/** The shared connector conformance suite against a real PostgreSQL server (the test cluster). */
import pg from 'pg';
import { createTestDatabase } from '../../../test/support/postgres.js';
import { runConnectorConformance } from '../conformance/index.js';
import { testContext } from '../conformance/context.js';
import { closedLoopbackPort } from '../conformance/loopback.js';
import { createPostgresSeries, loadPostgresTable } from '../conformance/postgres-fixtures.js';
import { PgConnector } from './pg-connector.js';

const WRONG = 'not-the-password-4821';

runConnectorConformance('postgres', {
  protocolFake: false,
  faults: false,
  async open() {
    const url = await createTestDatabase('wharf_conformance');
    const context = testContext({ PG_URL: url, PG_WRONG: WRONG });
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const { hostname, port, pathname } = new URL(url);
    const connector = await PgConnector.open({ kind: 'postgres', name: 'pg_main', url: { env: 'PG_URL' } }, context);
    return {
      connector,
      async createTable(name, columns, rows) {
        await loadPostgresTable(admin, name, columns, rows);
        return name;
      },
      async createSeries(name, rowCount, day) {
        await createPostgresSeries(admin, name, rowCount, day);
        return name;
      },
      // The test server trusts every local user, so an unknown role is what it refuses.
      badCredentials: () => ({
        open: () => PgConnector.open(
          { kind: 'postgres', name: 'pg_main', host: hostname, port: Number(port), database: pathname.slice(1), user: 'wharf_no_such_role', password: { env: 'PG_WRONG' } },
          context,
        ),
        secret: WRONG,
      }),
      unreachable: async () => PgConnector.open({ kind: 'redshift', name: 'pg_main', host: '127.0.0.1', port: await closedLoopbackPort(), database: 'x', user: 'x' }, context),
      async close() {
        await connector.close();
        await admin.end();
      },
    };
  },
});
