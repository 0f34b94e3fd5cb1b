/**
 * The Snowflake SQL session (an experiment's `warehouse`) through the real snowflake-sdk
 * against the protocol fake, which folds unquoted result names to upper case, answers DML
 * with Snowflake's counts, keeps a query history and commits an open transaction at DDL as
 * Snowflake does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnowflakeSource } from '../../config/types.js';
import { testContext } from '../conformance/context.js';
import { connectorFor } from '../registry.js';
import type { SqlSession } from '../types.js';
import { FakeSnowflake } from './testing/fake-snowflake.js';

process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION = 'true';

const PASSWORD = 'session-test-password';
const SCHEMA = 'exp_artifacts';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let fake: FakeSnowflake;
let session: SqlSession;

beforeAll(async () => {
  fake = await FakeSnowflake.start({
    account: 'wharftest',
    users: { wharf_user: { password: PASSWORD } },
    upperCaseNames: true,
  });
  await fake.exclusive(() => fake.duckdb.run('CREATE TABLE raw_numbers AS SELECT range AS n FROM range(100)'));
  const config: SnowflakeSource = {
    name: 'sf',
    kind: 'snowflake',
    account: 'wharftest',
    username: 'wharf_user',
    password: { env: 'SF_PASSWORD' },
    accessUrl: fake.url,
  };
  const definition = await connectorFor('snowflake');
  session = await definition.openSqlSession!(config as never, testContext({ SF_PASSWORD: PASSWORD }), {
    schema: SCHEMA,
  });
});

afterAll(async () => {
  await session?.close();
  await fake?.close();
});

const values = async (sql: string) => (await session.query<{ v: number }>(sql)).rows.map((r) => r.v);

describe('a Snowflake SQL session', () => {
  it("reports each statement's query id, the rows it wrote and the bytes it scanned", async () => {
    const created = await session.exec('CREATE TABLE "numbers" (n BIGINT, label VARCHAR)');
    expect(created).toMatchObject({ queryId: expect.stringMatching(UUID), rows: null, bytesScanned: 0 });
    const inserted = await session.exec(`INSERT INTO "numbers" SELECT n, 'low' FROM raw_numbers WHERE n < 40`);
    expect(inserted.rows).toBe(40);
    expect(inserted.bytesScanned).toBeGreaterThan(0);
    expect(inserted.queryId).not.toBe(created.queryId);
    expect((await session.exec(`UPDATE "numbers" SET label = 'tiny' WHERE n < 10`)).rows).toBe(10);
    expect((await session.exec('DELETE FROM "numbers" WHERE n >= 30')).rows).toBe(10);
    expect((await session.exec('CREATE TABLE "copied" AS SELECT * FROM "numbers"')).rows).toBe(30);
    // The artifacts land in the session's schema, not next to the raw tables.
    const { rows } = await session.query<{ table_schema: string }>(
      `SELECT table_schema FROM information_schema.tables WHERE table_name = 'copied'`,
    );
    expect(rows.map((r) => r.table_schema.toLowerCase())).toEqual([SCHEMA]);
  });

  it('hands back lower-case keys for the names Snowflake upper-cases, and binds $n parameters', async () => {
    const { rows, report } = await session.query(
      `SELECT n AS Unit_Value, COUNT(*) AS n_rows, "label", '$1 stays text' AS note FROM "numbers" WHERE n >= $1 AND label = $2 GROUP BY n, "label" ORDER BY n LIMIT 2`,
      [5, 'tiny'],
    );
    expect(rows).toEqual([
      { unit_value: 5, n_rows: 1, label: 'tiny', note: '$1 stays text' },
      { unit_value: 6, n_rows: 1, label: 'tiny', note: '$1 stays text' },
    ]);
    expect(report.queryId).toMatch(UUID);
    const columns = await session.describe('SELECT n, label AS Mixed_Case FROM "numbers"');
    expect(columns.map((c) => [c.name, c.type])).toEqual([
      ['n', 'integer'],
      ['mixed_case', 'string'],
    ]);
  });

  it('a staged run swaps its tables in when it succeeds and leaves them as they were when it fails', async () => {
    await session.exec('CREATE TABLE "artifact" AS SELECT 1 AS v');
    await session.exec('CREATE TABLE experiment_state (v INTEGER)');
    await session.exec('INSERT INTO experiment_state VALUES (1)');
    const tables = ['artifact', 'experiment_state', 'added'];
    await session.staged!(tables, async (tx) => {
      await tx.exec('DROP TABLE "artifact"');
      await tx.exec('CREATE TABLE "artifact" AS SELECT 2 AS v');
      await tx.exec('INSERT INTO experiment_state VALUES (2)');
      await tx.exec('CREATE TABLE "added" AS SELECT 3 AS v');
      // Until the swap, the schema still holds the previous tables.
      expect((await tx.query<{ v: number }>(`SELECT v FROM ${SCHEMA}."artifact"`)).rows).toEqual([{ v: 1 }]);
    });
    expect(await values('SELECT v FROM "artifact"')).toEqual([2]);
    expect(await values('SELECT v FROM experiment_state ORDER BY v')).toEqual([1, 2]);
    expect(await values('SELECT v FROM "added"')).toEqual([3]);

    const failed = session.staged!(tables, async (tx) => {
      await tx.exec('DROP TABLE "artifact"');
      await tx.exec('CREATE TABLE "artifact" AS SELECT 9 AS v');
      await tx.exec('DELETE FROM experiment_state');
      await tx.exec('DROP TABLE "added"');
      await tx.query('SELECT * FROM no_such_table');
    });
    await expect(failed).rejects.toMatchObject({ errorClass: 'query' });
    expect(await values('SELECT v FROM "artifact"')).toEqual([2]);
    expect(await values('SELECT v FROM experiment_state ORDER BY v')).toEqual([1, 2]);
    expect(await values('SELECT v FROM "added"')).toEqual([3]);
    const { rows } = await session.query(
      `SELECT schema_name FROM information_schema.schemata WHERE schema_name ILIKE '%staging%'`,
    );
    expect(rows).toEqual([]);
  });

  it('a transaction rolls back its DML and refuses DDL, which Snowflake would commit halfway', async () => {
    await session.exec('CREATE TABLE "ledger" (v INTEGER)');
    const rolledBack = session.transaction!(async (tx) => {
      await tx.exec('INSERT INTO "ledger" VALUES (1)');
      throw new Error('stop');
    });
    await expect(rolledBack).rejects.toThrow('stop');
    expect(await values('SELECT v FROM "ledger"')).toEqual([]);
    const ddl = session.transaction!((tx) => tx.exec('CREATE TABLE "other" (v INTEGER)'));
    await expect(ddl).rejects.toMatchObject({ code: 'snowflake.ddl-in-transaction' });
    // What the refusal prevents: DDL commits the open transaction, so the ROLLBACK undoes nothing.
    await session.exec('BEGIN TRANSACTION');
    await session.exec('INSERT INTO "ledger" VALUES (2)');
    await session.exec('CREATE TABLE "other" (v INTEGER)');
    await session.exec('ROLLBACK');
    expect(await values('SELECT v FROM "ledger"')).toEqual([2]);
  });
});
