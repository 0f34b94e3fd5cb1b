/**
 * An experiment run in a Snowflake and in a Databricks warehouse, end to end through the real
 * clients (snowflake-sdk; the plugin's Statement Execution API client) against the local
 * protocol fakes, which run each statement through a translation to DuckDB: a full refresh
 * over the first half, an incremental refresh and a metric refresh, every artifact table equal
 * to a DuckDB store's full refresh of the same data to 1e-9; the job history names every
 * statement by the warehouse's query id (for Snowflake also as the CLI's `ingest experiment
 * history` prints it, in a project whose source is the fake); and a run
 * that fails midway (staged, see SqlSession.staged) leaves the artifacts and state as they were.
 */
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { SourceConfig } from '../../framework/config/types.js';
import { connectorFor } from '../../framework/connectors/registry.js';
import { FakeSnowflake } from '../../framework/connectors/snowflake/testing/fake-snowflake.js';
import type { ConnectorContext } from '../../framework/connectors/types.js';
import { describeLocation, warehouseExecutor, type PipelineExecutor } from '../../framework/experiments/executor.js';
import { jobRuns } from '../../framework/experiments/job-history.js';
import { runExperiment } from '../../framework/experiments/pipeline.js';
import { readExperimentResults } from '../../framework/experiments/results.js';
import type { ExperimentSource } from '../../framework/experiments/pipeline-plan.js';
import type { InputMapping } from '../../framework/experiments/warehouse-inputs.js';
import { renderJobHistory } from '../../framework/views/experiment-history.js';
import databricks from '../../plugins/databricks/index.js';
import { startFakeDatabricks } from '../../plugins/databricks/test/fake-databricks.js';
import { copyExampleProject, editFile, REPO_ROOT } from '../support/example-project.js';
import { insertEvents, insertMetrics, openDuckDBStore } from '../support/experiment-store.js';
import {
  artifacts,
  createRawTables,
  expectSame,
  rawMappings,
  warehouseExperiment,
} from '../support/warehouse-experiment.js';
import { DAY_10, DAY_20, syntheticData } from './synthetic.js';

process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION = 'true';

const data = syntheticData(120, 23);
const SCHEMA = 'exp_artifacts';
const SECRET = 'warehouse-session-secret';
const context: ConnectorContext = { projectRoot: '/', resolveSecret: () => SECRET };

/** A warehouse with the raw tables, its session as the pipeline's executor, and a way to break its metrics. */
interface OpenWarehouse {
  exec: PipelineExecutor;
  /** The source module of this warehouse, named `demo`, for a CLI project. */
  sourceModule: string;
  mappings: InputMapping[];
  /** The form of the warehouse's query ids. */
  queryId: RegExp;
  /** Makes every metrics row fail when read (a conversion error), as a warehouse-side failure midway. */
  breakMetrics(): Promise<void>;
  close(): Promise<void>;
}

const onDuckDB = (connection: DuckDBConnection) => ({
  query: async () => [],
  exec: async (sql: string) => void (await connection.run(sql)),
});

/** DuckDB SQL making `<schema>.raw_metrics` a view whose value fails to convert for every row. */
const BREAK_METRICS = (schema: string) => [
  `ALTER TABLE ${schema}.raw_metrics RENAME TO raw_metrics_ok`,
  `CREATE VIEW ${schema}.raw_metrics AS SELECT uid, ds, metric, CAST(metric || ' is not a number' AS DOUBLE) AS value, num, den FROM ${schema}.raw_metrics_ok`,
];

const WAREHOUSES: Record<'snowflake' | 'databricks', () => Promise<OpenWarehouse>> = {
  async snowflake() {
    const fake = await FakeSnowflake.start({
      account: 'wharftest',
      users: { wharf_user: { password: SECRET } },
      upperCaseNames: true,
    });
    await fake.exclusive(() => createRawTables(onDuckDB(fake.duckdb), data.events, data.metrics));
    const config: SourceConfig = {
      kind: 'snowflake',
      name: 'wh',
      account: 'wharftest',
      username: 'wharf_user',
      password: { env: 'UNUSED' },
      accessUrl: fake.url,
    };
    const session = await (
      await connectorFor('snowflake')
    ).openSqlSession!(config as never, context, { schema: SCHEMA });
    return {
      exec: warehouseExecutor(session),
      sourceModule: `import { defineSource, env } from '@wharf/framework';\nexport default defineSource({ kind: 'snowflake', name: 'demo', account: 'wharftest', username: 'wharf_user', password: env('SF_TEST_PASSWORD'), accessUrl: '${fake.url}' });\n`,
      mappings: rawMappings(),
      queryId: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      breakMetrics: async () => {
        for (const sql of BREAK_METRICS('main')) await fake.exclusive(() => fake.duckdb.run(sql));
      },
      close: async () => {
        await session.close();
        await fake.close();
      },
    };
  },
  async databricks() {
    const fake = await startFakeDatabricks({
      warehouseId: 'wh-1',
      token: SECRET,
      client: { id: 'unused', secret: 'unused' },
      chunkRows: 500,
    });
    // Databricks resolves unqualified names in the statement's schema only: the raw tables are named in full.
    await fake.backend.run('CREATE SCHEMA raw');
    await fake.backend.exclusive(async () => {
      await fake.backend.connection.run("SET schema = 'raw'");
      await createRawTables(onDuckDB(fake.backend.connection), data.events, data.metrics);
    });
    const config = { kind: 'databricks', name: 'wh', host: fake.host, warehouseId: 'wh-1', token: { env: 'UNUSED' } };
    const definition = databricks.connectors![0];
    const session = await definition.openSqlSession!({ ...config, pollIntervalMs: 1 } as never, context, {
      schema: SCHEMA,
    });
    return {
      exec: warehouseExecutor(session),
      sourceModule: '',
      mappings: rawMappings('raw.'),
      queryId: /^stmt-\d+$/,
      breakMetrics: async () => {
        for (const sql of BREAK_METRICS('raw')) await fake.backend.run(sql);
      },
      close: async () => {
        await session.close();
        await fake.close();
      },
    };
  },
};

/**
 * `ingest experiment history synthetic --statements` in a copy of the example project whose
 * `demo` source is the warehouse and whose experiment `synthetic` runs there.
 */
async function historyFromCli(sourceModule: string): Promise<string> {
  const dir = copyExampleProject();
  try {
    writeFileSync(join(dir, 'sources/demo.ts'), sourceModule);
    editFile(dir, 'experiments/checkout_button.ts', (t) =>
      t
        .replace("name: 'checkout_button',", "name: 'synthetic',")
        .replace(
          "  owner: 'growth-team@example.com',",
          "  owner: 'growth-team@example.com',\n  warehouse: 'demo',\n  warehouseSchema: 'exp_artifacts',",
        ),
    );
    const { stdout } = await promisify(execFile)(
      join(REPO_ROOT, 'node_modules/.bin/ingest'),
      ['experiment', 'history', 'synthetic', '--runs', '1', '--statements', '--project', dir],
      { env: { ...process.env, NO_COLOR: '1', SF_TEST_PASSWORD: SECRET } },
    );
    return stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const closing: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const c of closing.splice(0)) await c.close();
});

const sourceFor = (wh: OpenWarehouse): ExperimentSource => ({
  config: { ...warehouseExperiment(), warehouse: 'wh', warehouseSchema: SCHEMA },
  warehouse: { mappings: wh.mappings, timeZone: 'PST' },
});

describe.each(Object.keys(WAREHOUSES) as ('snowflake' | 'databricks')[])('an experiment in a %s warehouse', (kind) => {
  it('runs full, incremental and metric refreshes equal to the store run, with query ids in the history', async () => {
    const store = await openDuckDBStore();
    closing.push(store);
    await insertEvents(store, data.events);
    await insertMetrics(store, data.metrics);
    await runExperiment(store, { config: warehouseExperiment() }, { type: 'full' });
    const expected = await artifacts(store);

    const wh = await WAREHOUSES[kind]();
    closing.push(wh);
    const source = sourceFor(wh);
    const full = await runExperiment(wh.exec, source, { type: 'full' }, { through: DAY_10 });
    expect(full).toMatchObject({ refresh: 'full', to: DAY_10, location: { kind: 'warehouse', sourceKind: kind } });
    expect(await runExperiment(wh.exec, source, { type: 'incremental' })).toMatchObject({
      refresh: 'incremental',
      to: DAY_20,
    });
    const afterIncremental = await artifacts(wh.exec);
    for (const table of Object.keys(expected)) {
      expect(expected[table].length, table).toBeGreaterThan(0);
      expectSame(afterIncremental[table], expected[table], table);
    }
    expect(await runExperiment(wh.exec, source, { type: 'metric', metric: 'spend' })).toMatchObject({
      refresh: 'metric',
    });
    const afterMetric = await artifacts(wh.exec);
    for (const table of Object.keys(expected)) expectSame(afterMetric[table], expected[table], table);
    // What `ingest experiment results` reads: the same metrics and groups as from the store.
    const shape = (r: Awaited<ReturnType<typeof readExperimentResults>>) =>
      r.metrics.map((m) => [m.metric, m.groups.map((g) => g.group_name).sort()]);
    const fromWarehouse = await readExperimentResults(wh.exec, source);
    expect(fromWarehouse.metrics.length).toBeGreaterThan(0);
    expect(shape(fromWarehouse)).toEqual(shape(await readExperimentResults(store, { config: warehouseExperiment() })));

    // What `ingest experiment history --statements` prints: every statement with the warehouse's query id.
    const runs = await jobRuns(wh.exec, 'synthetic', 3);
    expect(runs.map((r) => r.refresh)).toEqual(['metric', 'incremental', 'full']);
    const jobs = runs.flatMap((r) => r.steps.flatMap((s) => s.jobs ?? []));
    expect(jobs.length).toBeGreaterThan(30);
    expect(jobs.every((j) => wh.queryId.test(j.queryId ?? ''))).toBe(true);
    const printed = renderJobHistory('synthetic', describeLocation(wh.exec.location), runs, true);
    for (const j of jobs) expect(printed).toContain(j.queryId);
    const staging = runs[1].steps.find((s) => s.step.startsWith('user-day staging'));
    expect((staging?.jobs ?? []).reduce((sum, j) => sum + (j.rows ?? 0), 0)).toBe(staging?.rows);
    if (kind === 'snowflake') {
      expect(jobs.some((j) => (j.bytesScanned ?? 0) > 0)).toBe(true);
      const cli = await historyFromCli(wh.sourceModule);
      for (const j of runs[0].steps.flatMap((st) => st.jobs ?? [])) expect(cli).toContain(j.queryId);
      expect(cli).toMatch(/recorded in warehouse 'demo' \(snowflake\), schema exp_artifacts/);
    }
  }, 600_000);

  it('a run that fails midway leaves the artifacts and the state as they were, and records the failure', async () => {
    const wh = await WAREHOUSES[kind]();
    closing.push(wh);
    const source = sourceFor(wh);
    await runExperiment(wh.exec, source, { type: 'full' }, { through: DAY_10 });
    const before = await artifacts(wh.exec);
    const state = await wh.exec.query('SELECT * FROM experiment_state');
    await wh.breakMetrics();
    const failed = await runExperiment(wh.exec, source, { type: 'incremental' }).catch((err: unknown) => err);
    expect(failed).toMatchObject({ code: 'experiment.step-failed' });
    expect(await artifacts(wh.exec)).toEqual(before);
    expect(await wh.exec.query('SELECT * FROM experiment_state')).toEqual(state);
    const [last] = await jobRuns(wh.exec, 'synthetic', 1);
    expect(last.steps.find((s) => s.status === 'failed')?.error).toMatch(/not a number/);
    // The steps before it ran, in the staging schema, which is gone.
    expect(last.steps.find((s) => s.step === 'first exposures')?.jobs?.length).toBeGreaterThan(0);
    const schemas = await wh.exec.query<{ schema_name: string }>('SELECT schema_name FROM information_schema.schemata');
    expect(schemas.filter((s) => /staging/i.test(s.schema_name))).toEqual([]);
  }, 600_000);
});
