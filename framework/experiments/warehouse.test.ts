/**
 * An experiment run in its warehouse (a DuckDB file, a PostgreSQL database, Redshift) through
 * the source's SQL session: exposures and metrics read through the ingestions' SQL over the
 * warehouse's own raw tables, artifacts written to the warehouse schema. The reference is the
 * same data loaded into a store the usual way and refreshed there in one full refresh.
 *
 * Redshift is the real `redshift` connector's session on the PostgreSQL test server, with its
 * statements (Redshift's SQL) translated to PostgreSQL on the way (test/support/redshift-on-postgres.ts).
 * Where Redshift's SQL does not run on PostgreSQL: DATEADD, DATEDIFF and REGEXP_REPLACE (which
 * replaces every match in Redshift) are rewritten by the translation; JSON_EXTRACT_PATH_TEXT
 * on text gets a PostgreSQL overload; Redshift's 256-byte VARCHAR, its missing COVAR_SAMP,
 * generate_series (leader node only) and advisory locks are not enforced by PostgreSQL, so
 * every statement is checked not to use them; backslash escapes in literals, SUPER columns
 * (JSON_SERIALIZE) and Redshift's query ids are not exercised.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { DAY_10, DAY_20, syntheticData } from '../../test/experiments/synthetic.js';
import {
  insertEvents,
  insertMetrics,
  openDuckDBStore,
  openPostgresStore,
} from '../../test/support/experiment-store.js';
import { createTestDatabase } from '../../test/support/postgres.js';
import {
  artifacts,
  createRawTables,
  expectSame,
  rawMappings,
  warehouseExperiment,
} from '../../test/support/warehouse-experiment.js';
import {
  JSON_TEXT_OVERLOAD,
  redshiftOnPostgres,
  type RedshiftOnPostgres,
} from '../../test/support/redshift-on-postgres.js';
import { parseErrors } from '../connectors/shared/testing/sql-translate.js';
import type { SourceConfig } from '../config/types.js';
import { connectorFor } from '../connectors/registry.js';
import { openDuckDB } from '../util/duckdb.js';
import { warehouseExecutor, type PipelineExecutor } from './executor.js';
import { jobRuns } from './job-history.js';
import { runExperiment } from './pipeline.js';
import type { ExperimentSource } from './pipeline-plan.js';

const data = syntheticData(200, 17);
const SCHEMA = 'exp_artifacts';

const context = (url = '') => ({ projectRoot: '/', resolveSecret: () => url });

/** The raw tables in a fresh PostgreSQL database (through a postgres session on `public`); its URL. */
async function postgresWithRawTables(): Promise<string> {
  const url = await createTestDatabase('wharf_wh');
  const config: SourceConfig = { kind: 'postgres', name: 'wh', url: { env: 'UNUSED' } };
  const exec = warehouseExecutor(
    (await (await connectorFor('postgres')).openSqlSession?.(config as never, context(url), { schema: SCHEMA }))!,
  );
  await exec.exec('SET search_path = public');
  await createRawTables(exec, data.events, data.metrics);
  await exec.close();
  return url;
}

/** The Redshift session of the last redshift warehouse opened, with the statements it was given. */
let redshift: RedshiftOnPostgres | undefined;

/** A warehouse source with the raw tables, opened as the pipeline's executor. */
const warehouses: Record<string, () => Promise<PipelineExecutor>> = {
  async duckdb() {
    const config: SourceConfig = {
      kind: 'duckdb',
      name: 'wh',
      path: join(mkdtempSync(join(tmpdir(), 'wharf-wh-')), 'warehouse.duckdb'),
    };
    const file = await openDuckDB(config.path);
    await createRawTables(
      { query: async () => [], exec: async (sql) => void (await file.connection.run(sql)) },
      data.events,
      data.metrics,
    );
    file.close();
    return warehouseExecutor(
      (await (await connectorFor('duckdb')).openSqlSession?.(config as never, context(), { schema: SCHEMA }))!,
    );
  },
  async postgres() {
    const url = await postgresWithRawTables();
    const config: SourceConfig = { kind: 'postgres', name: 'wh', url: { env: 'UNUSED' } };
    return warehouseExecutor(
      (await (await connectorFor('postgres')).openSqlSession?.(config as never, context(url), { schema: SCHEMA }))!,
    );
  },
  async redshift() {
    const url = await postgresWithRawTables();
    const setup = new pg.Client({ connectionString: url });
    await setup.connect();
    await setup.query(JSON_TEXT_OVERLOAD);
    await setup.end();
    const config: SourceConfig = { kind: 'redshift', name: 'wh', url: { env: 'UNUSED' } };
    const session = await (
      await connectorFor('redshift')
    ).openSqlSession?.(config as never, context(url), {
      schema: SCHEMA,
    });
    redshift = redshiftOnPostgres(session!);
    return warehouseExecutor(redshift);
  },
};
const stores = { duckdb: openDuckDBStore, postgres: openPostgresStore, redshift: openPostgresStore };

/** What Redshift does not have, or has differently from PostgreSQL, which therefore cannot catch it. */
const REDSHIFT_LACKS: Array<[RegExp, string]> = [
  [/\bVARCHAR\b(?!\s*\()/i, 'VARCHAR without a length (256 bytes)'],
  [/\bCOVAR_(SAMP|POP)\b|\bCORR\(/i, 'covariance aggregates'],
  [/\bgenerate_series\b/i, 'generate_series (leader node only)'],
  [/\b(hashtext|pg_advisory\w*)\b/i, 'hashtext and advisory locks'],
  [/\bFILTER\s*\(\s*WHERE/i, 'aggregate FILTER clause'],
  [/\bjson_build_object\b|\bto_timestamp\s*\(/i, 'PostgreSQL-only functions'],
];
const withoutLiterals = (sql: string) => sql.replace(/'(?:[^'\\]|\\.|'')*'/g, "''");

const closing: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const c of closing.splice(0)) await c.close();
});

describe.each(Object.keys(warehouses) as (keyof typeof stores)[])('an experiment in a %s warehouse', (kind) => {
  it('reads the raw tables through the ingestions, writes the artifacts to its schema, and equals the store run', async () => {
    const store = await stores[kind]();
    closing.push(store);
    await insertEvents(store, data.events);
    await insertMetrics(store, data.metrics);
    await runExperiment(store, { config: warehouseExperiment() }, { type: 'full' });
    const expected = await artifacts(store);

    const exec = await warehouses[kind]();
    closing.push(exec);
    const source: ExperimentSource = {
      config: { ...warehouseExperiment(), warehouse: 'wh', warehouseSchema: SCHEMA },
      warehouse: { mappings: rawMappings(), timeZone: 'PST' },
    };
    const first = await runExperiment(exec, source, { type: 'incremental' }, { through: DAY_10 });
    expect(first).toMatchObject({
      refresh: 'full',
      to: DAY_10,
      location: { kind: 'warehouse', source: 'wh', schema: SCHEMA },
    });
    const second = await runExperiment(exec, source, { type: 'incremental' });
    expect(second).toMatchObject({ refresh: 'incremental', to: DAY_20 });
    const got = await artifacts(exec);
    for (const table of Object.keys(expected)) {
      expect(expected[table].length, table).toBeGreaterThan(0);
      expectSame(got[table], expected[table], table);
    }
    // Artifacts, state and job history are in the warehouse schema, not next to the raw tables.
    const tables = await exec.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1',
      [SCHEMA],
    );
    const names = tables.map((t) => t.table_name);
    expect(names).toEqual(
      expect.arrayContaining([
        ...Object.keys(expected),
        'experiment_state',
        'experiment_job_history',
        'experiment_job_queries',
      ]),
    );
    expect(names).not.toContain('raw_events');
    // The history keeps every statement: rows written by the inserts, and PostgreSQL's session-qualified ids.
    const [last] = await jobRuns(exec, 'synthetic', 1);
    expect(last.refresh).toBe('incremental');
    const jobs = last.steps.flatMap((s) => s.jobs ?? []);
    expect(jobs.length).toBeGreaterThan(10);
    const staging = last.steps.find((s) => s.step.startsWith('user-day staging'));
    const rowsWritten = (staging?.jobs ?? []).reduce((sum, j) => sum + (j.rows ?? 0), 0);
    expect(rowsWritten).toBe(staging?.rows);
    if (kind !== 'duckdb') expect(jobs.every((j) => /^pid \d+ #\d+$/.test(j.queryId ?? ''))).toBe(true);
    if (kind === 'redshift') await expectRedshiftSql(redshift!.statements);
  });
});

/** Every statement the Redshift session got parses as Redshift's SQL and avoids what Redshift lacks. */
async function expectRedshiftSql(statements: string[]): Promise<void> {
  expect(statements.length).toBeGreaterThan(40);
  for (const sql of new Set(statements)) {
    expect(await parseErrors(sql, 'redshift'), sql).toEqual([]);
    for (const [pattern, what] of REDSHIFT_LACKS)
      expect(pattern.test(withoutLiterals(sql)), `${what} in:\n${sql}`).toBe(false);
  }
}

describe('a failed run in a PostgreSQL warehouse', () => {
  it('leaves the artifacts and the state as they were, and records the failure in the warehouse job history', async () => {
    const exec = await warehouses.postgres();
    closing.push(exec);
    const source: ExperimentSource = {
      config: { ...warehouseExperiment(), warehouse: 'wh', warehouseSchema: SCHEMA },
      warehouse: { mappings: rawMappings(), timeZone: 'PST' },
    };
    await runExperiment(exec, source, { type: 'full' }, { through: DAY_10 });
    const before = await artifacts(exec);
    const [state] = await exec.query('SELECT * FROM experiment_state');
    // The warehouse's metrics table now fails at run time (division by zero) for every row read.
    await exec.exec('ALTER TABLE public.raw_metrics RENAME TO raw_metrics_ok');
    await exec.exec(
      'CREATE VIEW public.raw_metrics AS SELECT uid, ds, metric, value / 0 AS value, num, den FROM public.raw_metrics_ok',
    );
    const failed = await runExperiment(exec, source, { type: 'incremental' }).catch((err: unknown) => err);
    expect(failed).toMatchObject({ code: 'experiment.step-failed' });
    expect(await artifacts(exec)).toEqual(before);
    expect(await exec.query('SELECT * FROM experiment_state')).toEqual([state]);
    const [last] = await jobRuns(exec, 'synthetic', 1);
    const failedStep = last.steps.find((s) => s.status === 'failed');
    expect(failedStep?.error).toMatch(/division by zero/);
    // The steps before it ran (and are recorded with their statements), inside the rolled-back transaction.
    expect(last.steps.find((s) => s.step === 'first exposures')?.jobs?.length).toBeGreaterThan(0);
  });
});
