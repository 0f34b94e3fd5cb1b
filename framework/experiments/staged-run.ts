/**
 * A run on a warehouse whose transactions cannot span requests or DDL (BigQuery: a transaction
 * lives in one script and takes only SELECT and DML). The steps write staging copies of the
 * artifact tables (`<table>__wharf_staging`, next to them in the schema) with whatever DDL they
 * need; only after every step succeeded does one atomic request replace each artifact table's
 * rows with its staging table's and write the state — so a run that fails midway leaves the
 * previous artifacts and state as they were. The staging tables are dropped after the run.
 */
import { internalError } from '../diagnostics/errors.js';
import type { SqlExecutor } from '../store/types.js';
import { bookkeepingSql } from './bookkeeping-sql.js';
import type { PipelineExecutor } from './executor.js';
import type { ArtifactNames, Rollup } from './names.js';
import type { SqlContext } from './sql-context.js';
import { stateWriteSql, type ExperimentState } from './state.js';
import type { Step } from './steps.js';

/** Suffix of an artifact table's staging copy. */
export const STAGING_SUFFIX = '__wharf_staging';

/** The artifact tables of a run and their staging copies. */
export interface Staging {
  /** The run's SQL context with the staging tables in place of the artifact tables. */
  ctx: SqlContext;
  /** [artifact table, staging table] pairs. */
  tables: Array<[string, string]>;
}

function allTables(t: ArtifactNames): string[] {
  return [
    t.firstExposures,
    t.exposuresSummary,
    t.userLevelAggregations,
    t.preExposure,
    t.funnelEvents,
    t.windowedMetrics,
    ...Object.values(t.results),
  ];
}

/** The staging tables of the context's artifact tables. */
export function stagingOf(ctx: SqlContext): Staging {
  const staged = (name: string) => `${name}${STAGING_SUFFIX}`;
  const t = ctx.tables;
  const tables: ArtifactNames = {
    firstExposures: staged(t.firstExposures),
    exposuresSummary: staged(t.exposuresSummary),
    userLevelAggregations: staged(t.userLevelAggregations),
    preExposure: staged(t.preExposure),
    funnelEvents: staged(t.funnelEvents),
    windowedMetrics: staged(t.windowedMetrics),
    results: Object.fromEntries(Object.entries(t.results).map(([r, name]) => [r, staged(name)])) as Record<
      Rollup,
      string
    >,
  };
  return { ctx: { ...ctx, tables }, tables: allTables(t).map((name) => [name, staged(name)]) };
}

async function existingTables(sql: SqlExecutor): Promise<Set<string>> {
  const rows = await sql.query<{ table_name: string }>(`SELECT table_name FROM ${bookkeepingSql(sql).tables}`);
  return new Set(rows.map((r) => r.table_name));
}

/**
 * Copies each existing artifact table into its staging table, for a refresh that adds to the
 * artifacts (a full refresh recreates every staging table itself and copies nothing).
 */
export function stageArtifacts(staging: Staging, copy: boolean): Step {
  return {
    name: 'stage artifact tables',
    async run(sql) {
      if (!copy) return null;
      const existing = await existingTables(sql);
      const { ident, dropTable } = staging.ctx.dialect;
      for (const [table, stage] of staging.tables) {
        await sql.exec(
          existing.has(table)
            ? `CREATE OR REPLACE TABLE ${ident(stage)} AS SELECT * FROM ${ident(table)}`
            : dropTable(stage),
        );
      }
      return null;
    },
  };
}

/** What the swap commits besides the artifacts, and the check it makes first. */
export interface SwapOptions {
  state: Omit<ExperimentState, 'updatedAt'>;
  /** Refuses (throws) when another run changed the state since this run was planned. */
  check(): Promise<void>;
}

/**
 * Swaps the staging tables in: artifact tables that do not exist yet are created empty with
 * the staging table's columns, then one atomic request replaces every artifact table's rows
 * with its staging table's and writes the state. Returns the rows swapped in.
 */
export function swapIn(exec: PipelineExecutor, staging: Staging, options: SwapOptions): Step {
  return {
    name: 'swap in artifact tables and state',
    async run() {
      const atomically = exec.atomically?.bind(exec);
      if (!atomically) throw internalError(`${exec.kind} runs no atomic requests`);
      await options.check();
      const existing = await existingTables(exec);
      const { ident } = staging.ctx.dialect;
      for (const [table, stage] of staging.tables) {
        if (!existing.has(table))
          await exec.exec(`CREATE TABLE ${ident(table)} AS SELECT * FROM ${ident(stage)} WHERE FALSE`);
      }
      const state = stateWriteSql(exec, options.state);
      await exec.exec(state.ddl);
      const replace = staging.tables.flatMap(([table, stage]) => [
        `DELETE FROM ${ident(table)} WHERE TRUE`,
        `INSERT INTO ${ident(table)} SELECT * FROM ${ident(stage)}`,
      ]);
      await atomically([...replace, ...state.dml]);
      return null;
    },
  };
}

/** Drops the staging tables (after the run, whether it succeeded or not). */
export function dropStaging(staging: Staging): Step {
  return {
    name: 'drop staging tables',
    async run(sql) {
      for (const [, stage] of staging.tables) await sql.exec(staging.ctx.dialect.dropTable(stage));
      return null;
    },
  };
}
