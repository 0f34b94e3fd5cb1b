/**
 * The experiment pipeline's SQL in each warehouse dialect, checked as that warehouse reads it:
 * every statement of a full, an incremental and a metric refresh of a representative
 * experiment (test/experiments/dialect-demo.ts) parses in the dialect, contains none of the
 * constructs the engine lacks (listed from each engine's SQL reference, independently of the
 * dialect code), and, translated to DuckDB, produces artifact tables equal to the native
 * DuckDB pipeline's to 1e-9.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseErrors, toDuckDB, type SqlDialectName } from '../../framework/connectors/shared/testing/sql-translate.js';
import { DIALECTS } from '../../framework/experiments/dialect.js';
import { runExperiment } from '../../framework/experiments/pipeline.js';
import type { StoreConnection } from '../../framework/store/types.js';
import { dialectStore, type DialectStore } from '../support/dialect-store.js';
import { copyDemoIntoDuckDBStore, openDuckDBStore, openPostgresStore } from '../support/experiment-store.js';
import {
  dialectDemoExperiment,
  expectSameArtifacts,
  FULL_THROUGH,
  INCREMENTAL_THROUGH,
  readArtifacts,
  type Artifacts,
} from './dialect-demo.js';

const WAREHOUSES = ['snowflake', 'bigquery', 'redshift', 'databricks'] as const;

/** Constructs each engine does not have (or, for Redshift, has only on the leader node). */
const LACKS: Record<(typeof WAREHOUSES)[number], Array<[RegExp, string]>> = {
  snowflake: [
    [/\bgenerate_series\b/i, 'generate_series (Snowflake: GENERATOR)'],
    [/\bFILTER\s*\(\s*WHERE/i, 'aggregate FILTER clause'],
  ],
  bigquery: [
    [/"/, 'double quotes (a string in GoogleSQL, not an identifier)'],
    [/\bWITHIN GROUP\b/i, 'ordered-set aggregates (PERCENTILE_CONT is analytic only)'],
    [/\b(VARCHAR|DOUBLE PRECISION|TRY_CAST)\b/i, 'types and casts GoogleSQL does not have'],
    [/::/, ':: casts'],
    [/\bFILTER\s*\(\s*WHERE/i, 'aggregate FILTER clause'],
    [/\bgenerate_series\b/i, 'generate_series'],
    [/\(\s*VALUES\b/i, 'VALUES lists as a table'],
  ],
  redshift: [
    [/\bCOVAR_(SAMP|POP)\b|\bCORR\(/i, 'covariance aggregates'],
    [/\bgenerate_series\b/i, 'generate_series (leader node only)'],
    [/\b(hashtext|pg_advisory\w*)\b/i, 'hashtext and advisory locks'],
    [/\bFILTER\s*\(\s*WHERE/i, 'aggregate FILTER clause'],
    [/\(\s*VALUES\b/i, 'VALUES lists as a table'],
    [/\bVARCHAR\b(?!\s*\()/i, 'VARCHAR without a length (256 bytes)'],
  ],
  databricks: [
    [/"/, 'double quotes (a string in Spark SQL, not an identifier)'],
    [/\bUPDATE\b[^;]*\bFROM\b/is, 'UPDATE ... FROM (Databricks: MERGE)'],
    [/\bVARCHAR\b(?!\s*\()/i, 'VARCHAR without a length'],
    [/\bgenerate_series\b/i, 'generate_series'],
  ],
};

/** The statement without its string literals (quotes doubled or backslash-escaped). */
function withoutLiterals(sql: string): string {
  return sql.replace(/'(?:[^'\\]|\\.|'')*'/g, "''");
}

let store: StoreConnection;
let native: Artifacts;

/** A full refresh, an incremental one and a metric refresh of the demo experiment named `name`. */
async function runAll(on: StoreConnection, name: string): Promise<void> {
  const source = { config: dialectDemoExperiment(name) };
  const full = await runExperiment(on, source, { type: 'full' }, { through: FULL_THROUGH });
  expect(full.refresh).toBe('full');
  const incremental = await runExperiment(on, source, { type: 'incremental' }, { through: INCREMENTAL_THROUGH });
  expect(incremental.refresh).toBe('incremental');
  const refreshMetric = { type: 'metric', metric: 'revenue_total' } as const;
  const metric = await runExperiment(on, source, refreshMetric, { through: INCREMENTAL_THROUGH });
  expect(metric.refresh).toBe('metric');
}

beforeAll(async () => {
  store = await openDuckDBStore();
  await copyDemoIntoDuckDBStore(store);
  await runAll(store, 'dx_native');
  native = await readArtifacts(store, 'dx_native');
}, 180_000);
afterAll(async () => store?.close());

describe.each(WAREHOUSES)('the experiment pipeline in %s', (dialect) => {
  let warehouse: DialectStore;
  beforeAll(async () => {
    warehouse = dialectStore(store, dialect, 'duckdb');
    await runAll(warehouse, `dx_${dialect}`);
  }, 180_000);

  it('writes every statement so that it parses in the dialect', async () => {
    expect(warehouse.statements.length).toBeGreaterThan(40);
    for (const sql of warehouse.statements) expect(await parseErrors(sql, dialect), sql).toEqual([]);
  });

  it('uses none of the constructs the engine lacks', () => {
    for (const sql of warehouse.statements) {
      for (const [pattern, what] of LACKS[dialect]) {
        expect(pattern.test(withoutLiterals(sql)), `${what} in:\n${sql}`).toBe(false);
      }
    }
  });

  it('gives the artifact tables of the native DuckDB run, to 1e-9', async () => {
    expectSameArtifacts(await readArtifacts(store, `dx_${dialect}`), native, dialect);
  });
});

/**
 * Redshift's SQL against real PostgreSQL, where Redshift's SQL allows: the statements are
 * translated Redshift → PostgreSQL (DATEDIFF and DATEADD become date arithmetic; the rest is
 * SQL both read alike). Where it does not: Redshift's JSON_EXTRACT_PATH_TEXT takes text
 * holding JSON and PostgreSQL's takes json, so the test database gets the text overload
 * (a cast to json); Redshift reads backslash escapes in string literals and PostgreSQL does
 * not (the data here has no backslashes); the planner statistics, sort keys and
 * distribution of Redshift are not modelled. See docs/experiments.md.
 */
describe('the experiment pipeline in redshift, on PostgreSQL', () => {
  let pgStore: StoreConnection | undefined;
  afterAll(async () => pgStore?.close());

  it('gives the artifact tables of the native DuckDB run, to 1e-9', async () => {
    pgStore = await openPostgresStore();
    await pgStore.exec(`CREATE FUNCTION json_extract_path_text(text, VARIADIC text[]) RETURNS text
      LANGUAGE sql IMMUTABLE AS 'SELECT json_extract_path_text($1::json, VARIADIC $2)'`);
    const events = ['ingestion', 'day', '"timestamp"', 'event_name', 'event_value', 'event_metadata', '"user"'];
    const eventIds = ['user_id', 'custom_ids', 'timeuuid'];
    await copyRows(store, pgStore, { table: 'events', columns: [...events, ...eventIds], day: 'day' });
    const metrics = ['ingestion', '"date"', 'unit_id', 'id_type', 'metric_name', 'metric_value', 'numerator'];
    await copyRows(store, pgStore, { table: 'metrics', columns: [...metrics, 'denominator'], day: '"date"' });
    const redshift = dialectStore(pgStore, 'redshift', 'postgres');
    await runAll(redshift, 'dx_redshift');
    expectSameArtifacts(await readArtifacts(pgStore, 'dx_redshift'), native, 'redshift on PostgreSQL');
  }, 240_000);
});

/** A table to copy, its columns and its day column. */
interface CopiedTable {
  table: string;
  columns: string[];
  day: string;
}

/** Copies the rows of `table` up to the last day the runs read from the DuckDB store to the PostgreSQL one. */
async function copyRows(from: StoreConnection, to: StoreConnection, what: CopiedTable): Promise<void> {
  const { table, columns, day } = what;
  const text = columns.map((c) => `CAST(${c} AS VARCHAR) AS ${c}`).join(', ');
  const rows = await from.query<Record<string, string | null>>(
    `SELECT ${text} FROM ${table} WHERE ${day} <= DATE '${INCREMENTAL_THROUGH}'`,
  );
  const names = columns.map((c) => c.replace(/"/g, ''));
  const quoted = (v: string | null) => (v === null ? 'NULL' : `'${v.replace(/'/g, "''")}'`);
  const values = rows.map((r) => `(${names.map((c) => quoted(r[c])).join(', ')})`);
  for (let i = 0; i < values.length; i += 2000) {
    await to.exec(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values.slice(i, i + 2000).join(', ')}`);
  }
}

describe('table names', () => {
  // Each engine's documented limit on a table name; the longest artifact table name adds 46
  // characters to the experiment name.
  const LIMITS = { snowflake: 255, bigquery: 1024, redshift: 127, databricks: 255 };
  it.each(WAREHOUSES)('%s: a name one character too long for the engine is refused first', async (dialect) => {
    const warehouse = dialectStore(store, dialect, 'duckdb');
    const tooLong = dialectDemoExperiment('x'.repeat(LIMITS[dialect] - 46 + 1));
    await expect(runExperiment(warehouse, { config: tooLong }, { type: 'full' })).rejects.toMatchObject({
      code: 'experiment.name-too-long',
    });
    expect(warehouse.statements).toEqual([]);
    // At the limit the name passes; this run then stops at planning (its start date has no data).
    const atLimit = { ...dialectDemoExperiment('y'.repeat(LIMITS[dialect] - 46)), startDate: '2027-06-01' };
    await expect(runExperiment(warehouse, { config: atLimit }, { type: 'full' })).rejects.toMatchObject({
      code: 'experiment.no-data',
    });
  });
});

describe('string literals', () => {
  const awkward = ["it's", 'back\\slash', 'new\nline', 'quote " and `tick`', "\\'"];
  it.each(WAREHOUSES)('%s: a literal reads back as the value it was made from', async (dialect) => {
    for (const value of awkward) {
      // The translation reads no backslash escapes for Redshift (see docs/experiments.md).
      if (dialect === 'redshift' && value.includes('\\')) continue;
      const sql = await toDuckDB(`SELECT ${DIALECTS[dialect].literal(value)} AS v`, dialect as SqlDialectName);
      const [row] = await store.query<{ v: string }>(sql);
      expect(row.v).toBe(value);
    }
  });
});
