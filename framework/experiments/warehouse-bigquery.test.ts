/**
 * An experiment run in a BigQuery warehouse, end to end: the real @google-cloud/bigquery
 * client against the REST fake (GoogleSQL translated to DuckDB, scripts and transactions as
 * BigQuery runs them). Exposures and metrics are read through the ingestions' SQL over the
 * warehouse's own tables (dataset `raw`); artifacts, state and job history are written to the
 * experiment's dataset by staging and swapping. The reference is the same data loaded into a
 * DuckDB store and refreshed there; the artifacts are read from the fake's DuckDB, not
 * through the session.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSameArtifacts, readArtifacts } from '../../test/experiments/dialect-demo.js';
import { syntheticExperiment } from '../../test/experiments/synthetic-config.js';
import { DAY_10, DAY_20, syntheticData } from '../../test/experiments/synthetic.js';
import { insertEvents, insertMetrics, openDuckDBStore } from '../../test/support/experiment-store.js';
import type { EventsMapping, ExperimentConfig, MetricsMapping } from '../config/types.js';
import { openBigQuerySqlSession } from '../connectors/bigquery/sql-session.js';
import { FakeBigQuery } from '../connectors/bigquery/testing/fake-bigquery.js';
import { billedBytes } from '../connectors/bigquery/testing/jobs.js';
import { fixedTokenClient } from '../connectors/bigquery/testing/fixed-token.js';
import { testContext } from '../connectors/conformance/context.js';
import type { SqlExecutor, StoreConnection } from '../store/types.js';
import { readerRows } from '../util/duckdb-values.js';
import { renderJobHistory } from '../views/experiment-history.js';
import { describeLocation, warehouseExecutor, type PipelineExecutor } from './executor.js';
import { jobRuns } from './job-history.js';
import { readLiftHistory } from './lift-history.js';
import { runExperiment } from './pipeline.js';
import type { ExperimentSource } from './pipeline-plan.js';
import { readExperimentResults } from './results.js';
import { STAGING_SUFFIX } from './staged-run.js';

process.env.METADATA_SERVER_DETECTION = 'none';

const TOKEN = 'ya29.fixed-test-access-token';
const DATASET = 'exp_artifacts';
const data = syntheticData(120, 17);

const eventsMapping: EventsMapping = {
  name: 'app',
  dataset: 'events',
  source: 'bq',
  sql: 'app.sql',
  schedule: 'daily',
  startDate: '2026-01-01',
  columns: {
    timestamp: 'event_time',
    event_name: 'event',
    event_value: 'value',
    event_metadata: 'properties',
    user: 'user_json',
  },
};
const metricsMapping: MetricsMapping = {
  name: 'm',
  dataset: 'metrics',
  source: 'bq',
  sql: 'm.sql',
  schedule: 'daily',
  startDate: '2026-01-01',
  columns: {
    unit_id: 'uid',
    id_type: { constant: 'user_id' },
    date: 'ds',
    metric_name: 'metric',
    metric_value: 'value',
    numerator: 'num',
    denominator: 'den',
  },
};
// The warehouse's own tables are in dataset `raw`; the session's default dataset is the experiment's.
const mappings = [
  { config: eventsMapping, sqlText: 'SELECT event_time, event, value, properties, user_json FROM raw.raw_events;' },
  { config: metricsMapping, sqlText: 'SELECT uid, ds, metric, value, num, den FROM raw.raw_metrics' },
];

const lit = (v: string | number | null | undefined) =>
  v === null || v === undefined ? 'NULL' : typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`;

/** The raw tables, written straight into the fake's DuckDB (a team's tables, not Wharf's). */
async function createRawTables(duck: DuckDBConnection): Promise<void> {
  await duck.run('CREATE SCHEMA raw');
  await duck.run(
    'CREATE TABLE raw.raw_events (event_time TIMESTAMP, event VARCHAR, value VARCHAR, properties VARCHAR, user_json VARCHAR)',
  );
  await duck.run(
    'CREATE TABLE raw.raw_metrics (uid VARCHAR, ds DATE, metric VARCHAR, value DOUBLE, num DOUBLE, den DOUBLE)',
  );
  const ev = data.events.map(
    (e) =>
      `(CAST(${lit(e.timestamp)} AS TIMESTAMP), ${lit(e.event_name)}, ${lit(e.event_value)}, ${lit(e.event_metadata)}, ${lit(JSON.stringify({ userID: e.user_id }))})`,
  );
  const me = data.metrics.map(
    (m) =>
      `(${lit(m.unit_id)}, DATE ${lit(m.date)}, ${lit(m.metric_name)}, ${lit(m.metric_value)}, ${lit(m.numerator)}, ${lit(m.denominator)})`,
  );
  for (let i = 0; i < ev.length; i += 1000)
    await duck.run(`INSERT INTO raw.raw_events VALUES ${ev.slice(i, i + 1000).join(',')}`);
  for (let i = 0; i < me.length; i += 1000)
    await duck.run(`INSERT INTO raw.raw_metrics VALUES ${me.slice(i, i + 1000).join(',')}`);
}

function experiment(): ExperimentConfig {
  const base = syntheticExperiment('synthetic');
  return {
    ...base,
    metrics: [
      ...base.metrics,
      { name: 'view_to_purchase', source: 'funnel', ingestion: 'app', steps: ['view', 'purchase'] },
    ],
  };
}

const source: ExperimentSource = {
  config: { ...experiment(), warehouse: 'bq', warehouseSchema: DATASET },
  warehouse: { mappings, timeZone: 'PST' },
};

let fake: FakeBigQuery;
let exec: PipelineExecutor;
let store: StoreConnection;

/** The fake's DuckDB as a SqlExecutor on the experiment's dataset: what is really stored, read without the session. */
function storedInFake(): SqlExecutor {
  const query = <T>(sql: string) =>
    fake.exclusive(async () => {
      await fake.duckdb.run(`SET schema = '${DATASET}'`);
      try {
        return readerRows<T>(await fake.duckdb.runAndReadAll(sql));
      } finally {
        await fake.duckdb.run("SET schema = 'main'");
      }
    });
  return { query, exec: async (sql) => void (await query(sql)) };
}

beforeAll(async () => {
  fake = await FakeBigQuery.start({ projectId: 'wharf-test', accessToken: TOKEN, location: 'US' });
  await fake.exclusive(() => createRawTables(fake.duckdb));
  const config = { name: 'bq', kind: 'bigquery' as const, projectId: 'wharf-test', apiEndpoint: fake.url };
  const session = await openBigQuerySqlSession(
    config,
    testContext({}),
    { schema: DATASET },
    { authClient: fixedTokenClient(TOKEN), maxRetries: 0 },
  );
  exec = warehouseExecutor(session);
  store = await openDuckDBStore();
  await insertEvents(store, data.events);
  await insertMetrics(store, data.metrics);
}, 120_000);
afterAll(async () => {
  await exec?.close();
  await store?.close();
  await fake?.close();
});

describe('an experiment in a BigQuery warehouse', () => {
  it('runs full, incremental and metric refreshes there, equal to the store run, with job ids and bytes billed', async () => {
    const first = await runExperiment(exec, source, { type: 'full' }, { through: DAY_10 });
    expect(first).toMatchObject({ refresh: 'full', to: DAY_10, location: { kind: 'warehouse', schema: DATASET } });
    const second = await runExperiment(exec, source, { type: 'incremental' });
    expect(second).toMatchObject({ refresh: 'incremental', to: DAY_20 });
    const third = await runExperiment(exec, source, { type: 'metric', metric: 'spend' });
    expect(third.refresh).toBe('metric');

    await runExperiment(store, { config: experiment() }, { type: 'full' }, { through: DAY_20 });
    await runExperiment(store, { config: experiment() }, { type: 'metric', metric: 'spend' });
    const expected = await readArtifacts(store, 'synthetic');
    for (const [table, rows] of Object.entries(expected)) expect(rows.length, table).toBeGreaterThan(0);
    expectSameArtifacts(await readArtifacts(storedInFake(), 'synthetic'), expected, 'bigquery');

    // What `ingest experiment results / report` read back through the session equals the store's.
    const summary = async (sql: SqlExecutor, from: ExperimentSource) => {
      const results = await readExperimentResults(sql, from);
      const rows = results.metrics.flatMap((m) =>
        m.groups.map((g) => ({ metric: m.metric, group: g.group_name, units: Number(g.units), rel_lift: g.rel_lift })),
      );
      const lift = (await readLiftHistory(sql, 'synthetic')).map((point) => ({ ...point }));
      return { rows, lift };
    };
    const fromStore = await summary(store, { config: experiment() });
    expect(fromStore.rows.length).toBeGreaterThan(0);
    expectSameArtifacts(await summary(exec, source), fromStore, 'bigquery results and lift history');

    // Only the artifacts and Wharf's tables are in the dataset: no staging table is left behind.
    const tables = await storedInFake().query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = '${DATASET}'`,
    );
    const names = tables.map((t) => t.table_name);
    expect(names).toEqual(expect.arrayContaining(['experiment_state', 'experiment_job_history']));
    expect(names.filter((n) => n.endsWith(STAGING_SUFFIX))).toEqual([]);

    // The history: each statement a job with BigQuery's id and bytes billed; the swap one job.
    const runs = await jobRuns(exec, 'synthetic', 3);
    expect(runs.map((r) => r.refresh)).toEqual(['metric', 'incremental', 'full']);
    const jobs = runs[1].steps.flatMap((s) => s.jobs ?? []);
    expect(jobs.length).toBeGreaterThan(10);
    expect(jobs.every((j) => /\S/.test(j.queryId ?? ''))).toBe(true);
    expect(new Set(jobs.map((j) => j.queryId)).size).toBe(jobs.length);
    const reading = jobs.filter((j) => (j.bytesScanned ?? 0) > 0);
    expect(reading.length).toBeGreaterThan(0);
    for (const j of reading) expect(j.bytesBilled).toBe(billedBytes(j.bytesScanned ?? 0));
    const swap = runs[1].steps.find((s) => s.step === 'swap in artifact tables and state');
    expect(swap?.status).toBe('succeeded');
    expect(
      swap?.jobs?.filter((j) => j.statement.startsWith('script of 22 statements in one transaction')),
    ).toHaveLength(1);
    // `ingest experiment history --statements` renders these runs (the command reads them with jobRuns).
    const text = renderJobHistory('synthetic', describeLocation(exec.location), runs, true);
    expect(text).toContain(jobs[0].queryId ?? 'no id');
    expect(text).toMatch(/billed/);
  }, 600_000);

  it('leaves the previous artifacts and state when a run fails midway', async () => {
    const stored = storedInFake();
    const before = await readArtifacts(stored, 'synthetic');
    const [state] = await stored.query('SELECT * FROM experiment_state');
    // The metrics table now fails at run time for every row read: the steps reading metrics fail.
    await fake.exclusive(async () => {
      await fake.duckdb.run('ALTER TABLE raw.raw_metrics RENAME TO raw_metrics_ok');
      await fake.duckdb.run(
        "CREATE VIEW raw.raw_metrics AS SELECT uid, ds, metric, CAST(CAST(value AS VARCHAR) || ' units' AS DOUBLE) AS value, num, den FROM raw.raw_metrics_ok",
      );
    });
    const failed = await runExperiment(exec, source, { type: 'full' }).catch((err: unknown) => err);
    expect(failed).toMatchObject({ code: 'experiment.step-failed' });
    expect(await readArtifacts(stored, 'synthetic')).toEqual(before);
    expect(await stored.query('SELECT * FROM experiment_state')).toEqual([state]);
    const [last] = await jobRuns(exec, 'synthetic', 1);
    const failedStep = last.steps.find((s) => s.status === 'failed');
    expect(failedStep?.error).toMatch(/units/);
    // Steps before it had written their staging tables, which the run dropped.
    expect(last.steps.find((s) => s.step === 'first exposures')?.status).toBe('succeeded');
    expect(last.steps.some((s) => s.step === 'swap in artifact tables and state')).toBe(false);
    expect(last.steps.at(-1)).toMatchObject({ step: 'drop staging tables', status: 'succeeded' });
  }, 600_000);
});
