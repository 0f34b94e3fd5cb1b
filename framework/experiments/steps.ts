/**
 * The pipeline's steps, each one a named unit of work on the artifact tables that reports the
 * rows it produced. pipeline.ts strings them together into full, incremental and metric
 * refreshes; every step runs on the store's SQL executor inside the run's transaction.
 */
import type { SqlExecutor } from '../store/types.js';
import type { ResolvedMetric } from './model.js';
import { allArtifactTables, ROLLUPS, type Rollup } from './names.js';
import { createResultsSql, insertResults, resultRows } from './results-table.js';
import { countRowsSql, dateLit, deleteMetricRowsSql, type SqlContext } from './sql-context.js';
import {
  appendFirstExposuresSql,
  createFirstExposuresSql,
  exposuresSummarySql,
  refreshExposureCountsSql,
} from './sql-exposures.js';
import { momentsSql, type GroupMoments } from './sql-moments.js';
import {
  createFunnelEventsSql,
  createPreExposureSql,
  createStagingSql,
  insertFunnelEventsSql,
  insertPreExposureSql,
  insertStagingSql,
} from './sql-staging.js';
import { createWindowedSql, insertWindowedSql } from './sql-windowed.js';

/** A step: its name and the work, which returns the rows it produced (or null when unknown). */
export interface Step {
  name: string;
  run(sql: SqlExecutor): Promise<number | null>;
}

async function count(ctx: SqlContext, sql: SqlExecutor, table: string): Promise<number> {
  const [row] = await sql.query<{ n: number }>(countRowsSql(ctx, table));
  return Number(row.n);
}

/**
 * Rows added by `work` to `table` (row count after minus before); the table's planner statistics are refreshed after.
 */
function growing(ctx: SqlContext, name: string, table: string, work: (sql: SqlExecutor) => Promise<void>): Step {
  return {
    name,
    async run(sql) {
      const before = await count(ctx, sql, table);
      await work(sql);
      await analyze(ctx, sql, table);
      return (await count(ctx, sql, table)) - before;
    },
  };
}

async function analyze(ctx: SqlContext, sql: SqlExecutor, table: string): Promise<void> {
  const statement = ctx.dialect.analyze(table);
  if (statement) await sql.exec(statement);
}

/** Drops and recreates every artifact table (the start of a full refresh). */
export function resetArtifacts(ctx: SqlContext): Step {
  return {
    name: 'reset artifact tables',
    async run(sql) {
      for (const name of allArtifactTables(ctx.tables)) await sql.exec(ctx.dialect.dropTable(name));
      for (const ddl of [
        createStagingSql(ctx),
        createPreExposureSql(ctx),
        createFunnelEventsSql(ctx),
        createWindowedSql(ctx),
        ...ROLLUPS.map((r) => createResultsSql(ctx, r)),
      ]) {
        await sql.exec(ddl);
      }
      return null;
    },
  };
}

/**
 * First exposures of [from, to]: a new table, or (append) the exposure counts of units
 * exposed again in those days brought up to date and the units first exposed in them added.
 */
export function firstExposures(ctx: SqlContext, from: string, to: string, append: boolean): Step {
  if (append) {
    return growing(ctx, 'first exposures', ctx.tables.firstExposures, async (sql) => {
      await sql.exec(refreshExposureCountsSql(ctx, from, to));
      await sql.exec(appendFirstExposuresSql(ctx, from, to));
    });
  }
  return {
    name: 'first exposures',
    async run(sql) {
      await sql.exec(createFirstExposuresSql(ctx, from, to));
      await analyze(ctx, sql, ctx.tables.firstExposures);
      return count(ctx, sql, ctx.tables.firstExposures);
    },
  };
}

/** Restates the exposures summary from the first exposures (small: one row per day and group). */
export function exposuresSummary(ctx: SqlContext): Step {
  return {
    name: 'exposures summary',
    async run(sql) {
      await sql.exec(ctx.dialect.dropTable(ctx.tables.exposuresSummary));
      await sql.exec(exposuresSummarySql(ctx));
      return count(ctx, sql, ctx.tables.exposuresSummary);
    },
  };
}

/** Restates the funnel staging rows of `metrics` up to `through`. */
export function funnelEvents(ctx: SqlContext, metrics: ResolvedMetric[], through: string): Step {
  return growing(ctx, 'funnel events', ctx.tables.funnelEvents, async (sql) => {
    for (const m of metrics.filter((x) => x.config.source === 'funnel')) {
      await sql.exec(deleteMetricRowsSql(ctx, ctx.tables.funnelEvents, [m.name]));
      await sql.exec(insertFunnelEventsSql(ctx, m, through));
    }
  });
}

/** Appends the user-day staging rows of [from, to] for `metrics`. */
export function userLevelAggregations(ctx: SqlContext, metrics: ResolvedMetric[], from: string, to: string): Step {
  return growing(ctx, 'user-day staging (annotated metric sources)', ctx.tables.userLevelAggregations, async (sql) => {
    for (const m of metrics) await sql.exec(insertStagingSql(ctx, m, from, to));
  });
}

/** Pre-exposure values of units first exposed in [from, to], for the CUPED metrics among `metrics`. */
export function preExposure(ctx: SqlContext, metrics: ResolvedMetric[], from: string, to: string): Step {
  return growing(ctx, 'pre-exposure aggregations', ctx.tables.preExposure, async (sql) => {
    const days = ctx.experiment.preExposureDays;
    if (days === null) return;
    for (const m of metrics.filter((x) => x.cuped)) await sql.exec(insertPreExposureSql(ctx, m, days, { from, to }));
  });
}

/** Appends the windowed grid rows of [from, to] for `metrics`. */
export function windowedMetrics(ctx: SqlContext, metrics: ResolvedMetric[], from: string, to: string): Step {
  return growing(ctx, 'windowed metrics', ctx.tables.windowedMetrics, async (sql) => {
    if (metrics.length)
      await sql.exec(
        insertWindowedSql(
          ctx,
          metrics.map((m) => m.name),
          ctx.experiment.startDate,
          { from, to },
        ),
      );
  });
}

/**
 * Statistics of one rollup for `metrics`. With `range`, date rollups append the periods in
 * it; without, and always for days-since-exposure, the metrics' rows are restated.
 */
export function results(
  ctx: SqlContext,
  rollup: Rollup,
  metrics: ResolvedMetric[],
  range?: { from: string; to: string },
): Step {
  return {
    name: `results ${rollup}`,
    async run(sql) {
      if (metrics.length === 0) return 0;
      const table = ctx.tables.results[rollup];
      const restate = !range || rollup === 'days_since_exposure';
      const names = metrics.map((m) => m.name);
      const period = restate ? '' : `day BETWEEN ${dateLit(range.from)} AND ${dateLit(range.to)}`;
      await sql.exec(deleteMetricRowsSql(ctx, table, names, period));
      const moments = await sql.query<GroupMoments>(momentsSql(ctx, rollup, metrics, restate ? undefined : range));
      const rows = resultRows(ctx.experiment, moments);
      await insertResults(sql, ctx, rollup, rows);
      return rows.length;
    },
  };
}

/** Deletes one metric's rows from every artifact table (a metric refresh's first step). */
export function deleteMetric(ctx: SqlContext, metric: string): Step {
  return {
    name: `delete metric ${metric}`,
    async run(sql) {
      const t = ctx.tables;
      for (const table of [
        t.userLevelAggregations,
        t.preExposure,
        t.funnelEvents,
        t.windowedMetrics,
        ...Object.values(t.results),
      ]) {
        await sql.exec(deleteMetricRowsSql(ctx, table, [metric]));
      }
      return null;
    },
  };
}
