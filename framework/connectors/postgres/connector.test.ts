/** The PostgreSQL source against a real server: classified errors, no password in messages, UTC day filters. */
import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase } from '../../../test/support/postgres.js';
import { resolveSecret } from '../../util/secrets.js';
import { WharfError } from '../../diagnostics/errors.js';
import type { Connector, QuerySpec } from '../types.js';
import { PgConnector } from './connector.js';

const context = { projectRoot: '/', resolveSecret: (ref: { env: string }, field: string) => resolveSecret(ref, field) };
const query = (sql: string): QuerySpec => ({
  mapping: 'orders',
  sqlFile: 'mappings/orders.sql',
  sql,
  dataset: 'metrics',
});

async function withRole(url: string): Promise<{ host: string; port: number; database: string }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(
    "DO $$ BEGIN CREATE ROLE wharf_reader LOGIN PASSWORD 'right-password-123'; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
  );
  await client.end();
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port), database: u.pathname.slice(1) };
}

describe('PostgreSQL source', () => {
  let connector: Connector | undefined;
  afterEach(async () => {
    await connector?.close();
    connector = undefined;
  });

  it('names the mapping and SQL file with the warehouse message on a SQL error', async () => {
    process.env.WHARF_PG_SOURCE_TEST = await createTestDatabase();
    connector = await PgConnector.open({ kind: 'postgres', name: 'wh', url: { env: 'WHARF_PG_SOURCE_TEST' } }, context);
    const err = await connector.describe(query('SELECT * FROM no_such_table')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WharfError);
    expect(err).toMatchObject({ errorClass: 'query', transient: false });
    expect((err as Error).message).toMatch(
      /postgres source 'wh', mapping 'orders' \(mappings\/orders\.sql\): the query failed: relation "no_such_table" does not exist/,
    );
  });

  it("names the SQL file's line where the server found the error, in every query it sends", async () => {
    process.env.WHARF_PG_SOURCE_TEST = await createTestDatabase();
    connector = await PgConnector.open({ kind: 'postgres', name: 'wh', url: { env: 'WHARF_PG_SOURCE_TEST' } }, context);
    // Two blank lines, a comment, then the misspelt column on line 5 of the file.
    const spec = query(
      "\n\n-- orders\nSELECT 1 AS unit_id, DATE '2026-10-05' AS ds\nFROM generate_series(1, 3) WHERE nope > 0\n",
    );
    const filter = {
      day: '2026-10-05',
      column: 'ds',
      columnType: 'date' as const,
      fromUtc: new Date('2026-10-05T08:00:00Z'),
      toUtc: new Date('2026-10-06T08:00:00Z'),
    };
    const failures: (() => Promise<unknown>)[] = [
      () => connector!.describe(spec),
      () => connector!.sample(spec, 5),
      () => connector!.dayStats(spec, [filter]),
      async () => {
        for await (const rows of connector!.streamDay(spec, filter, { batchSize: 10 })) void rows;
      },
    ];
    for (const failure of failures) {
      const err = (await failure().then(
        () => null,
        (e: unknown) => e,
      )) as WharfError;
      expect(err.message).toMatch(/column "nope" does not exist\nLINE 4: FROM generate_series/);
      expect(err.hint).toMatch(/the warehouse's line 4 is line 5 of the file/);
    }
    // The server counts characters: the emoji before the error are one each, not two.
    const emoji = query(`-- ${'😀'.repeat(12)}\nSELECT nope FROM generate_series(1, 3)`);
    const err = (await connector.describe(emoji).then(
      () => null,
      (e: unknown) => e,
    )) as WharfError;
    expect(err.message).toMatch(/\nLINE 3: SELECT nope FROM/);
    expect(err.hint).toMatch(/the warehouse's line 3 is line 2 of the file/);
  });

  it('classifies a refused password as auth without showing the password', async () => {
    // Trust auth accepts any password, so a non-existent database stands in for refused credentials.
    const target = await withRole(await createTestDatabase());
    process.env.WHARF_PG_SOURCE_PASSWORD = 'secret-password-xyz';
    const err = await PgConnector.open(
      {
        kind: 'postgres',
        name: 'wh',
        host: target.host,
        port: target.port,
        database: 'missing_db',
        user: 'wharf_reader',
        password: { env: 'WHARF_PG_SOURCE_PASSWORD' },
      },
      context,
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ errorClass: 'auth', transient: false });
    expect((err as Error).message).not.toContain('secret-password-xyz');
  });

  it('marks a refused connection as a transient connection error', async () => {
    const err = await PgConnector.open(
      { kind: 'redshift', name: 'rs', host: '127.0.0.1', port: 1, database: 'x', user: 'x' },
      context,
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ errorClass: 'connection', transient: true });
    expect((err as Error).message).toContain("redshift source 'rs'");
  });

  it('streams a day in batches of the requested size, filtered on timestamptz in UTC', async () => {
    const url = await createTestDatabase();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query("SET TIME ZONE 'America/New_York'");
    await client.query(
      "CREATE TABLE ev AS SELECT i, TIMESTAMPTZ '2026-10-01 08:00:00+00' + i * INTERVAL '1 minute' AS ts FROM generate_series(-5, 1444) i",
    );
    await client.end();
    process.env.WHARF_PG_SOURCE_TEST = url;
    connector = await PgConnector.open({ kind: 'postgres', name: 'wh', url: { env: 'WHARF_PG_SOURCE_TEST' } }, context);
    const filter = {
      column: 'ts',
      columnType: 'timestamp' as const,
      day: '2026-10-01',
      fromUtc: new Date('2026-10-01T08:00:00Z'),
      toUtc: new Date('2026-10-02T08:00:00Z'),
    };
    const sizes: number[] = [];
    for await (const batch of connector.streamDay(query('SELECT * FROM ev'), filter, { batchSize: 500 }))
      sizes.push(batch.length);
    expect(sizes).toEqual([500, 500, 440]);
    const [stats] = await connector.dayStats(query('SELECT * FROM ev'), [filter]);
    expect(stats.rowCount).toBe(1440);
    expect(stats.fingerprint).toMatch(/^postgres:-?\d+$/);
  });
});
