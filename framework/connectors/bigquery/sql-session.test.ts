/**
 * The BigQuery SQL session through the real @google-cloud/bigquery client against the REST
 * fake: every statement is a job whose id, bytes processed and bytes billed come back from
 * BigQuery's job statistics, with `$n` parameters sent as positional ones; it has no
 * transactions across jobs, only atomic scripts of DML, which the fake runs as BigQuery does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warehouseExecutor } from '../../experiments/executor.js';
import { testContext } from '../conformance/context.js';
import { openBigQuerySqlSession } from './sql-session.js';
import { billedBytes } from './testing/jobs.js';
import { FakeBigQuery } from './testing/fake-bigquery.js';
import { fixedTokenClient } from './testing/fixed-token.js';
import type { SqlSession } from '../types.js';

process.env.METADATA_SERVER_DETECTION = 'none';

const TOKEN = 'ya29.fixed-test-access-token';

describe('the BigQuery SQL session against the REST fake', () => {
  let fake: FakeBigQuery;
  let session: SqlSession;
  beforeAll(async () => {
    fake = await FakeBigQuery.start({ projectId: 'wharf-test', accessToken: TOKEN, location: 'US' });
    const source = {
      name: 'bq',
      kind: 'bigquery' as const,
      projectId: 'wharf-test',
      location: 'US',
      apiEndpoint: fake.url,
    };
    session = await openBigQuerySqlSession(
      source,
      testContext({}),
      { schema: 'wharf_experiments' },
      { authClient: fixedTokenClient(TOKEN), maxRetries: 0 },
    );
  });
  afterAll(async () => {
    await session?.close();
    await fake?.close();
  });

  it('reports each job id with bytes processed and billed from the job statistics, and DML rows', async () => {
    const created = await session.exec('CREATE TABLE spend (unit_id VARCHAR, amount DOUBLE)');
    expect(created.queryId).toMatch(/\S/);
    const inserted = await session.exec("INSERT INTO spend SELECT 'u' || i, i * 1.5 FROM range(200000) t(i)");
    expect(inserted.rows).toBe(200000);
    const { rows, report } = await session.query<{ n: number; total: number }>(
      'SELECT COUNT(*) AS n, SUM(amount) AS total FROM spend WHERE amount >= $1',
      [3],
    );
    // Independent of the session: 200,000 rows of 1.5·i, less i = 0 and 1.
    expect(rows).toEqual([{ n: 199998, total: 1.5 * ((199999 * 200000) / 2 - 1) }]);
    expect(report.queryId).not.toBe(inserted.queryId);
    expect(report.bytesScanned).toBeGreaterThan(0);
    // On-demand billing: processed bytes rounded up to 1 MiB, at least 10 MiB.
    expect(report.bytesBilled).toBe(billedBytes(report.bytesScanned ?? 0));
    expect(report.bytesBilled).toBeGreaterThanOrEqual(10 * 1024 * 1024);
    expect(fake.queries.some((q) => q.includes('amount >= ?'))).toBe(true);
  });

  it('carries the reports into the pipeline executor, which has atomic requests instead of transactions', async () => {
    const executor = warehouseExecutor(session);
    await executor.query('SELECT COUNT(*) AS n FROM spend');
    const [job] = executor.takeJobs();
    expect(job.queryId).toMatch(/\S/);
    expect(job.bytesBilled).toBe(billedBytes(job.bytesScanned ?? 0));
    expect(executor.transaction).toBeUndefined();
    await executor.atomically?.(['DELETE FROM spend WHERE amount < 3', "INSERT INTO spend VALUES ('extra', 1.25)"]);
    const [script] = executor.takeJobs();
    expect(script.statement).toBe('script of 2 statements in one transaction: DELETE FROM spend WHERE amount < 3');
    expect(script.queryId).toMatch(/\S/);
    const [{ n }] = await executor.query<{ n: number }>('SELECT COUNT(*) AS n FROM spend');
    expect(n).toBe(199999);
  });

  it('commits a transaction of DML all or none, and refuses DDL inside it as BigQuery does', async () => {
    const count = async () => (await session.query<{ n: number }>('SELECT COUNT(*) AS n FROM spend')).rows[0].n;
    const before = await count();
    const failing = session.atomically?.([
      "INSERT INTO spend VALUES ('one', 1)",
      "INSERT INTO spend VALUES ('two', CAST('not a number' AS FLOAT64))",
    ]);
    await expect(failing).rejects.toThrow(/not a number/);
    expect(await count()).toBe(before);
    const ddl = session.exec('BEGIN TRANSACTION;\nCREATE TABLE made_in_tx (a INT64);\nCOMMIT TRANSACTION');
    await expect(ddl).rejects.toThrow(/not supported inside a transaction/);
    // A transaction never outlives its script: the next job has none to commit.
    await session.exec("BEGIN TRANSACTION;\nINSERT INTO spend VALUES ('three', 3)");
    await expect(session.exec('COMMIT TRANSACTION')).rejects.toThrow(/without a transaction/);
    expect(await count()).toBe(before);
    const tables = await session.query<{ table_name: string }>(
      'SELECT table_name FROM `wharf_experiments`.INFORMATION_SCHEMA.TABLES',
    );
    expect(tables.rows.map((t) => t.table_name)).toEqual(['spend']);
    await expect(session.query('SELECT table_name FROM INFORMATION_SCHEMA.TABLES')).rejects.toThrow(/qualified/);
  });
});
