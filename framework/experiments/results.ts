/**
 * Reads an experiment's results back from its artifact tables for people: the latest period
 * of a rollup (cumulative by default) per metric and group, the exposures summary and the
 * sample ratio mismatch health check, and the last run's job history. Views render this.
 */
import { WharfError } from '../diagnostics/errors.js';
import type { SqlExecutor } from '../store/types.js';
import { lastJobRun, type JobRun } from './job-history.js';
import { resolveExperiment, type StatisticalTest } from './model.js';
import { bookkeepingSql } from './bookkeeping-sql.js';
import { artifactNames, type Rollup } from './names.js';
import type { ExperimentSource } from './pipeline-plan.js';
import { periodColumn, type ResultRow } from './results-table.js';
import { sampleRatioMismatch, type SrmCheck } from './srm.js';
import { readState } from './state.js';

/** One metric's rows of the shown period. */
export interface MetricResults {
  metric: string;
  kind: string;
  /** One row per group, control first. */
  groups: ResultRow[];
}

/** One row of `<experiment>_exposures_summary`. */
export interface ExposureDay {
  day: string;
  group_name: string;
  units: number;
  flagged_units: number;
  cumulative_units: number;
}

/** Everything the results table, the JSON output and the Markdown report show. */
export interface ExperimentResults {
  experiment: string;
  control: string;
  significanceLevel: number;
  /** The test against the control (`t`: Welch's t test, `z`: z test). */
  statisticalTest: StatisticalTest;
  rollup: Rollup;
  /** The period shown: the latest day (or days since exposure) of the rollup. */
  period: string | number | null;
  through: string | null;
  metrics: MetricResults[];
  health: { srm: SrmCheck; flaggedUnits: number; exposures: ExposureDay[] };
  lastRun: JobRun | null;
}

/** Reads the latest period of a rollup, the exposures summary, the SRM check and the last run. */
export async function readExperimentResults(
  sql: SqlExecutor,
  source: ExperimentSource,
  rollup: Rollup = 'cumulative',
): Promise<ExperimentResults> {
  const experiment = resolveExperiment(source.config, source.exposureSqlText);
  const state = await readState(sql, experiment.name);
  if (!state) {
    throw new WharfError(`Experiment '${experiment.name}' has no results yet.`, {
      code: 'experiment.never-run',
      errorClass: 'state',
      hint: `Run ingest experiment run ${experiment.name} first.`,
    });
  }
  const tables = artifactNames(experiment.name);
  // Table names in the engine's quoting (Snowflake upper-cases them, Databricks uses backticks).
  const { ident } = bookkeepingSql(sql);
  const col = periodColumn(rollup);
  const table = ident(tables.results[rollup]);
  const [latest] = await sql.query<{ p: string | number | null }>(`SELECT MAX(${col}) AS p FROM ${table}`);
  const rows =
    latest?.p === null || latest?.p === undefined
      ? []
      : await sql.query<ResultRow & Record<string, unknown>>(
          `SELECT * FROM ${table} WHERE ${col} = ${rollup === 'days_since_exposure' ? Number(latest.p) : `DATE '${latest.p}'`} ORDER BY metric_name, is_control DESC, group_name`,
        );
  const order = experiment.metrics.map((m) => m.name);
  const metrics = order
    .map((name) => ({
      metric: name,
      kind: String(rows.find((r) => r.metric_name === name)?.metric_kind ?? ''),
      groups: rows.filter((r) => r.metric_name === name).map((r) => ({ ...r, period: r[col] as string | number })),
    }))
    .filter((m) => m.groups.length > 0);
  const exposures = await sql.query<ExposureDay>(
    `SELECT day, group_name, units, flagged_units, cumulative_units FROM ${ident(tables.exposuresSummary)} ORDER BY day, group_name`,
  );
  const observed: Record<string, number> = {};
  let flaggedUnits = 0;
  for (const e of exposures) {
    observed[e.group_name] = (observed[e.group_name] ?? 0) + Number(e.units);
    flaggedUnits += Number(e.flagged_units);
  }
  return {
    experiment: experiment.name,
    control: experiment.control,
    significanceLevel: experiment.significanceLevel,
    statisticalTest: experiment.statisticalTest,
    rollup,
    period: latest?.p ?? null,
    through: state.through,
    metrics,
    health: { srm: sampleRatioMismatch(observed, experiment.groups), flaggedUnits, exposures },
    lastRun: await lastJobRun(sql, experiment.name),
  };
}
