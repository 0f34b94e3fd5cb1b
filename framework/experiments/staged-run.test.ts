/**
 * The staging-and-swap of a run on BigQuery, on the real @google-cloud/bigquery client against
 * the REST fake (which runs a transaction as BigQuery does: DML only, within one script): the
 * swap replaces every artifact table and the state at once, and anything that fails before or
 * during it leaves the previous artifacts and state as they were.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { syntheticExperiment } from '../../test/experiments/synthetic-config.js';
import { openBigQuerySqlSession } from '../connectors/bigquery/sql-session.js';
import { FakeBigQuery } from '../connectors/bigquery/testing/fake-bigquery.js';
import { fixedTokenClient } from '../connectors/bigquery/testing/fixed-token.js';
import { testContext } from '../connectors/conformance/context.js';
import { bigqueryDialect } from './dialects/bigquery.js';
import { warehouseExecutor, type PipelineExecutor } from './executor.js';
import { resolveExperiment } from './model.js';
import { sqlContext } from './sql-context.js';
import { dropStaging, stageArtifacts, stagingOf, swapIn, type Staging } from './staged-run.js';
import { readState, writeState } from './state.js';

process.env.METADATA_SERVER_DETECTION = 'none';

const TOKEN = 'ya29.fixed-test-access-token';
const DATASET = 'wharf_experiments';

let fake: FakeBigQuery;
let exec: PipelineExecutor;
const staging: Staging = stagingOf(sqlContext(resolveExperiment(syntheticExperiment('sx')), bigqueryDialect));
const artifacts = staging.tables.map(([table]) => table);

beforeAll(async () => {
  fake = await FakeBigQuery.start({ projectId: 'wharf-test', accessToken: TOKEN, location: 'US' });
  const source = { name: 'bq', kind: 'bigquery' as const, projectId: 'wharf-test', apiEndpoint: fake.url };
  const session = await openBigQuerySqlSession(
    source,
    testContext({}),
    { schema: DATASET },
    { authClient: fixedTokenClient(TOKEN), maxRetries: 0 },
  );
  exec = warehouseExecutor(session);
});
afterAll(async () => {
  await exec?.close();
  await fake?.close();
});

/** Every artifact table with the previous run's one row, and its state. */
beforeEach(async () => {
  for (const table of artifacts) await exec.exec(`CREATE OR REPLACE TABLE \`${table}\` AS SELECT 1 AS v`);
  await writeState(exec, { experiment: 'sx', through: '2026-01-10', config: 'previous' });
});

/** The values of every artifact table, in table order. */
async function contents(): Promise<number[][]> {
  const out: number[][] = [];
  for (const table of artifacts) {
    const rows = await exec.query<{ v: number }>(`SELECT v FROM \`${table}\` ORDER BY v`);
    out.push(rows.map((r) => r.v));
  }
  return out;
}

async function tablesInDataset(): Promise<string[]> {
  const rows = await exec.query<{ table_name: string }>(
    `SELECT table_name FROM \`${DATASET}\`.INFORMATION_SCHEMA.TABLES`,
  );
  return rows.map((r) => r.table_name).sort();
}

/** What a run's steps would do to the staging tables: one more row in each. */
async function addToStaging(value: number): Promise<void> {
  for (const [, stage] of staging.tables) await exec.exec(`INSERT INTO \`${stage}\` VALUES (${value})`);
}

const next = { experiment: 'sx', through: '2026-01-20', config: 'next' };
const noCheck = async () => undefined;

describe('staging and swapping in the artifacts of a BigQuery run', () => {
  it('swaps every artifact table and the state in at once, and drops the staging tables', async () => {
    await stageArtifacts(staging, true).run(exec);
    await addToStaging(2);
    expect(await contents()).toEqual(artifacts.map(() => [1]));
    await swapIn(exec, staging, { state: next, check: noCheck }).run(exec);
    // The swap is one job: a script of DML in one transaction.
    expect(fake.queries.at(-1)).toMatch(/^BEGIN TRANSACTION;[\s\S]*COMMIT TRANSACTION$/);
    expect(await contents()).toEqual(artifacts.map(() => [1, 2]));
    expect(await readState(exec, 'sx')).toMatchObject({ through: '2026-01-20', config: 'next' });
    await dropStaging(staging).run(exec);
    expect(await tablesInDataset()).toEqual([...artifacts, 'experiment_state'].sort());
  });

  it('leaves the artifacts and the state as they were when a step fails before the swap', async () => {
    await stageArtifacts(staging, true).run(exec);
    await addToStaging(3);
    // A step fails here: the run drops its staging tables and never swaps.
    await dropStaging(staging).run(exec);
    expect(await contents()).toEqual(artifacts.map(() => [1]));
    expect(await readState(exec, 'sx')).toMatchObject({ through: '2026-01-10', config: 'previous' });
  });

  it('rolls every table back when the swap itself fails midway, state included', async () => {
    await stageArtifacts(staging, true).run(exec);
    await addToStaging(4);
    // The sixth staging table no longer fits its artifact table: its INSERT fails inside the transaction.
    const [, broken] = staging.tables[5];
    await exec.exec(`CREATE OR REPLACE TABLE \`${broken}\` AS SELECT 'not a number' AS v`);
    await expect(swapIn(exec, staging, { state: next, check: noCheck }).run(exec)).rejects.toThrow(/not a number/);
    expect(await contents()).toEqual(artifacts.map(() => [1]));
    expect(await readState(exec, 'sx')).toMatchObject({ through: '2026-01-10', config: 'previous' });
  });

  it('swaps nothing when the state moved on since the run was planned', async () => {
    await stageArtifacts(staging, true).run(exec);
    await addToStaging(5);
    const moved = async () => {
      throw new Error('refreshed by another run');
    };
    await expect(swapIn(exec, staging, { state: next, check: moved }).run(exec)).rejects.toThrow(/another run/);
    expect(await contents()).toEqual(artifacts.map(() => [1]));
  });

  it('creates the artifact tables of a first run from the staging tables', async () => {
    for (const table of artifacts) await exec.exec(`DROP TABLE \`${table}\``);
    await stageArtifacts(staging, true).run(exec);
    for (const [, stage] of staging.tables) await exec.exec(`CREATE TABLE \`${stage}\` AS SELECT 6 AS v`);
    await swapIn(exec, staging, { state: next, check: noCheck }).run(exec);
    expect(await contents()).toEqual(artifacts.map(() => [6]));
  });
});
