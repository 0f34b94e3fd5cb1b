/**
 * The built-in `duckdb` connector against a real DuckDB database file: the shared conformance
 * suite, plus encrypted files. The connector opens its file read-only, and DuckDB lets no
 * writer in while a reader holds the file, so the harness closes the connector, writes the
 * fixture with its own DuckDB instance and reopens the connector for every fixture.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBSource } from '../../config/types.js';
import { openDuckDB } from '../../util/duckdb.js';
import { runConnectorConformance } from '../conformance/index.js';
import { testContext } from '../conformance/context.js';
import { createDuckDBSeries, loadDuckDBTable } from '../conformance/duckdb-fixtures.js';
import { connectorFor } from '../registry.js';
import type { Connector } from '../types.js';
import { DuckDBConnector } from './connector.js';

const KEY = `right-${randomBytes(8).toString('hex')}`;
const WRONG_KEY = `wrong-${randomBytes(8).toString('hex')}`;
const query = { mapping: 'm', sqlFile: 'mappings/m.sql', sql: 'SELECT n FROM t', dataset: 'metrics' as const };

function source(extra: Partial<DuckDBSource> = {}): DuckDBSource {
  return { name: 'duckdb_main', kind: 'duckdb', path: 'warehouse.duckdb', ...extra };
}

/** Runs `write` on the database file at `path` with a read-write instance, then closes it. */
async function writeTo(path: string, write: (connection: DuckDBConnection) => Promise<void>): Promise<void> {
  const writer = await openDuckDB(path);
  try {
    await write(writer.connection);
  } finally {
    writer.close();
  }
}

/**
 * Writes an encrypted database file holding table `t`. DuckDB only writes encrypted files with
 * the OpenSSL of its httpfs extension, which tests may not download, so the writer uses the
 * built-in (read-safe, write-unsafe) crypto; the connector under test only ever reads.
 */
async function writeEncrypted(path: string, key: string): Promise<void> {
  await writeTo(':memory:', async (connection) => {
    await connection.run("SET force_mbedtls_unsafe = 'true'");
    await connection.run(`ATTACH '${path}' AS locked (ENCRYPTION_KEY '${key}')`);
    await connection.run('CREATE TABLE locked.t AS SELECT 7::BIGINT AS n');
    await connection.run('DETACH locked');
  });
}

runConnectorConformance('duckdb', {
  protocolFake: false,
  faults: false,
  async open() {
    const folder = mkdtempSync(join(tmpdir(), 'wharf-duckdb-conformance-'));
    const context = testContext({ DUCKDB_WRONG_KEY: WRONG_KEY }, folder);
    const path = join(folder, 'warehouse.duckdb');
    await writeTo(path, async () => undefined);
    await writeEncrypted(join(folder, 'locked.duckdb'), KEY);
    let connector: Connector = await DuckDBConnector.open(source(), context);
    const rewrite = async (write: (connection: DuckDBConnection) => Promise<void>): Promise<void> => {
      await connector.close();
      await writeTo(path, write);
      connector = await DuckDBConnector.open(source(), context);
    };
    return {
      get connector() {
        return connector;
      },
      async createTable(name, columns, rows) {
        await rewrite((connection) => loadDuckDBTable(connection, name, columns, rows));
        return name;
      },
      async createSeries(name, rowCount, day) {
        await rewrite((connection) => createDuckDBSeries(connection, name, rowCount, day));
        return name;
      },
      badCredentials: () => ({
        open: () =>
          DuckDBConnector.open(source({ path: 'locked.duckdb', encryptionKey: { env: 'DUCKDB_WRONG_KEY' } }), context),
        secret: WRONG_KEY,
      }),
      // A file database has no host: the unreachable case is a database file that is not there.
      unreachable: () => DuckDBConnector.open(source({ path: 'missing/warehouse.duckdb' }), context),
      async close() {
        await connector.close();
        rmSync(folder, { recursive: true, force: true });
      },
    };
  },
});

describe('duckdb connector: encrypted database files', () => {
  let folder: string;
  const context = () => testContext({ DUCKDB_KEY: KEY }, folder);

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'wharf-duckdb-encrypted-'));
    await writeEncrypted(join(folder, 'locked.duckdb'), KEY);
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('reads an encrypted file with the key from the environment variable, on every connection', async () => {
    const connector = await DuckDBConnector.open(
      source({ path: 'locked.duckdb', encryptionKey: { env: 'DUCKDB_KEY' } }),
      context(),
    );
    try {
      const [first, second] = await Promise.all([connector.sample(query, 5), connector.describe(query)]);
      expect(first).toEqual([{ n: 7 }]);
      expect(second.map((column) => column.type)).toEqual(['integer']);
    } finally {
      await connector.close();
    }
  });

  it('an encrypted file opened without a key fails with DuckDB saying so, naming the source', async () => {
    const err = await DuckDBConnector.open(source({ path: 'locked.duckdb' }), context()).catch(
      (caught: unknown) => caught,
    );
    expect(err).toMatchObject({ errorClass: 'connection', code: 'source.duckdb-open' });
    expect((err as Error).message).toContain('duckdb_main');
    expect((err as Error).message).toMatch(/encrypt/i);
  });
});

describe('duckdb connector', () => {
  it('is registered as the built-in duckdb kind, with fingerprints and table signals', async () => {
    const definition = await connectorFor('duckdb');
    expect(definition.kind).toBe('duckdb');
    expect(definition.capabilities).toMatchObject({ fingerprint: true, signals: 'table' });
  });
});
