/**
 * The Databricks SQL session (an experiment's `warehouse`) through the plugin's Statement
 * Execution API client against the local fake: statement ids and Delta's write counts in the
 * reports, named parameters, and staged runs that leave the tables as they were on failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlSession } from '@wharf/framework';
import plugin, { type DatabricksSource } from './index.js';
import { startFakeDatabricks, type FakeDatabricks } from './test/fake-databricks.js';

const TOKEN = 'dapi-session-token-42';
const SCHEMA = 'exp_artifacts';
let fake: FakeDatabricks;
let session: SqlSession;

beforeAll(async () => {
  fake = await startFakeDatabricks({
    warehouseId: 'wh-1',
    token: TOKEN,
    client: { id: 'unused', secret: 'unused' },
    chunkRows: 3,
  });
  await fake.backend.run('CREATE SCHEMA raw');
  await fake.backend.run('CREATE TABLE raw.numbers AS SELECT range AS n FROM range(100)');
  const config: DatabricksSource = {
    kind: 'databricks',
    name: 'bricks',
    host: fake.host,
    warehouseId: 'wh-1',
    schema: 'raw',
    token: { env: 'SESSION_TOKEN' },
    pollIntervalMs: 1,
  };
  const context = { projectRoot: process.cwd(), resolveSecret: () => TOKEN };
  session = await plugin.connectors![0].openSqlSession!(config as never, context, { schema: SCHEMA });
});

afterAll(async () => {
  await session?.close();
  await fake?.close();
});

const values = async (sql: string) => (await session.query<{ v: number }>(sql)).rows.map((r) => Number(r.v));

describe('a Databricks SQL session', () => {
  it("reports each statement's id and the rows a write affected, in the session's schema", async () => {
    const created = await session.exec('CREATE TABLE `numbers` (n BIGINT, label STRING)');
    expect(created).toMatchObject({ queryId: expect.stringMatching(/^stmt-\d+$/), rows: null, bytesScanned: null });
    const inserted = await session.exec("INSERT INTO `numbers` SELECT n, 'low' FROM raw.numbers WHERE n < 40");
    expect(inserted.rows).toBe(40);
    expect(inserted.queryId).not.toBe(created.queryId);
    expect((await session.exec("UPDATE `numbers` SET label = 'tiny' WHERE n < 10")).rows).toBe(10);
    expect((await session.exec('DELETE FROM `numbers` WHERE n >= 30')).rows).toBe(10);
    expect((await session.exec('CREATE TABLE `copied` AS SELECT * FROM `numbers`')).rows).toBe(30);
    const { rows } = await session.query<{ table_schema: string }>(
      "SELECT table_schema FROM information_schema.tables WHERE table_name = 'copied'",
    );
    expect(rows).toEqual([{ table_schema: SCHEMA }]);
  });

  it('sends $n parameters as named parameters, leaving $n inside literals alone', async () => {
    const { rows, report } = await session.query(
      "SELECT n, label, '$1 it\\'s text' AS note FROM `numbers` WHERE n >= $1 AND label = $2 ORDER BY n LIMIT 2",
      [5, 'tiny'],
    );
    expect(rows).toEqual([
      { n: 5, label: 'tiny', note: "$1 it's text" },
      { n: 6, label: 'tiny', note: "$1 it's text" },
    ]);
    expect(report.queryId).toMatch(/^stmt-\d+$/);
    const columns = await session.describe('SELECT n, label FROM `numbers`');
    expect(columns.map((c) => [c.name, c.type])).toEqual([
      ['n', 'integer'],
      ['label', 'string'],
    ]);
  });

  it('a staged run replaces its tables when it succeeds and leaves them as they were when it fails', async () => {
    await session.exec('CREATE TABLE `artifact` AS SELECT 1 AS v');
    await session.exec('CREATE TABLE experiment_state (v INT)');
    await session.exec('INSERT INTO experiment_state VALUES (1)');
    const tables = ['artifact', 'experiment_state', 'added'];
    await session.staged!(tables, async (tx) => {
      await tx.exec('DROP TABLE `artifact`');
      await tx.exec('CREATE TABLE `artifact` AS SELECT 2 AS v');
      await tx.exec('INSERT INTO experiment_state VALUES (2)');
      await tx.exec('CREATE TABLE `added` AS SELECT 3 AS v');
      // Until the end, the schema still holds the previous tables.
      expect((await tx.query<{ v: number }>(`SELECT v FROM ${SCHEMA}.\`artifact\``)).rows).toEqual([{ v: 1 }]);
    });
    expect(await values('SELECT v FROM `artifact`')).toEqual([2]);
    expect(await values('SELECT v FROM experiment_state ORDER BY v')).toEqual([1, 2]);
    expect(await values('SELECT v FROM `added`')).toEqual([3]);

    const failed = session.staged!(tables, async (tx) => {
      await tx.exec('DROP TABLE `artifact`');
      await tx.exec('CREATE TABLE `artifact` AS SELECT 9 AS v');
      await tx.exec('DELETE FROM experiment_state');
      await tx.exec('DROP TABLE `added`');
      await tx.query('SELECT * FROM no_such_table');
    });
    await expect(failed).rejects.toMatchObject({ code: 'databricks.statement-failed', errorClass: 'query' });
    expect(await values('SELECT v FROM `artifact`')).toEqual([2]);
    expect(await values('SELECT v FROM experiment_state ORDER BY v')).toEqual([1, 2]);
    expect(await values('SELECT v FROM `added`')).toEqual([3]);
    const { rows } = await session.query(
      "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE '%staging%'",
    );
    expect(rows).toEqual([]);
  });
});
