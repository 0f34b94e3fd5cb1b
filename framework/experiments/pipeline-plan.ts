/**
 * What a requested refresh means for this run: a full refresh covers the start date to the
 * last day with data; an incremental one the days after the previous run (falling back to a
 * full refresh when there was none, or when new exposures would change which units are
 * excluded); a metric refresh recomputes one metric over the days already covered.
 */
import type { ExperimentConfig } from '../config/types.js';
import { WharfError } from '../diagnostics/errors.js';
import type { SqlExecutor } from '../store/types.js';
import { addDays } from '../util/time.js';
import { canonicalJson } from '../util/canonical-json.js';
import { diffExperiment } from './affected.js';
import { ingestionsOf } from './model.js';
import type { SqlContext } from './sql-context.js';
import { conflictingExposuresSql } from './sql-exposures.js';
import { readState, type ExperimentState } from './state.js';
import { STORE_INPUTS, type InputMapping } from './warehouse-inputs.js';
import { compareText } from '../util/text-order.js';

/** An experiment as the pipeline receives it: the config and, for SQL exposures, the SQL text. */
export interface ExperimentSource {
  config: ExperimentConfig;
  exposureSqlText?: string;
  /** For an experiment with a `warehouse`: the ingestions it reads (their SQL runs there) and the project's zone. */
  warehouse?: { mappings: InputMapping[]; timeZone: string };
}

/** The refresh a user or the agent asks for (seed 004's DAG types). */
export type RefreshRequest = { type: 'full' } | { type: 'incremental' } | { type: 'metric'; metric: string };

/** The refresh a run carries out, with its days; `stateConfig` is recorded after it succeeds. */
export interface RefreshPlan {
  type: 'full' | 'incremental' | 'metric' | 'up-to-date';
  from: string | null;
  to: string | null;
  through: string;
  metric?: string;
  note: string | null;
  /** The config recorded with the artifacts after this run. */
  stateConfig: string;
  /** The state this plan was made against (null: none); a run refuses to apply a plan whose state moved on. */
  basedOn: string | null;
}

/** A fingerprint of an experiment's state, to detect another run committing in between. */
export function stateFingerprint(state: { through: string; config: string } | null): string | null {
  return state ? `${state.through}\u0000${state.config}` : null;
}

/**
 * The version of the statistics the artifacts are computed with, recorded in the state: when
 * it changes (new results columns, corrected formulas), the next run restates everything
 * rather than append rows computed differently to a table of another shape.
 */
export const STATISTICS_VERSION = 2;

/** The config as the state records it: canonical JSON, with the exposure SQL text and the statistics version. */
export function stateConfigOf(config: ExperimentConfig, exposureSqlText?: string): string {
  return canonicalJson({
    ...config,
    description: undefined,
    owner: undefined,
    metrics: [...config.metrics].sort((a, b) => compareText(a.name, b.name)),
    exposureSqlText,
    statisticsVersion: STATISTICS_VERSION,
  });
}

/**
 * The last day the analysis covers: the last day every metric ingestion has data for, capped
 * by the end date (and `cap`). The exposure ingestion must have data but does not bound it:
 * once enrollment has ended no exposures arrive, while the exposed units' metrics still do.
 */
export async function availableThrough(store: SqlExecutor, ctx: SqlContext, cap?: string): Promise<string> {
  const e = ctx.experiment;
  const metricIngestions = new Set(e.metrics.map((m) => m.config.ingestion));
  let through: string | null = null;
  const where = ctx.inputs === STORE_INPUTS ? 'the store' : 'the warehouse';
  for (const ingestion of ingestionsOf(e)) {
    const isEvents =
      e.exposure.kind === 'events' && e.exposure.ingestion === ingestion
        ? true
        : e.metrics.some((m) => m.config.ingestion === ingestion && m.config.source !== 'metrics');
    const { ident, literal } = ctx.dialect;
    const sql = isEvents
      ? `SELECT MAX(day) AS d FROM ${ctx.inputs.events} e WHERE ingestion = ${literal(ingestion)}`
      : `SELECT MAX(${ident('date')}) AS d FROM ${ctx.inputs.metrics} m WHERE ingestion = ${literal(ingestion)}`;
    const [row] = await store.query<{ d: string | null }>(sql).catch((err: unknown) => {
      throw new WharfError(
        `Experiment '${e.name}': ${where} has no ${isEvents ? 'events' : 'metrics'} table to read (${String((err as Error).message).split('\n')[0]}).`,
        {
          code: 'experiment.no-data',
          errorClass: 'state',
          hint: 'Load the ingestions the experiment reads into this store first.',
          cause: err,
        },
      );
    });
    if (!row?.d) {
      throw new WharfError(`Experiment '${e.name}': the ingestion '${ingestion}' has no data in ${where} yet.`, {
        code: 'experiment.no-data',
        errorClass: 'state',
        hint: `Load it first (ingest run ${ingestion}), then run the experiment.`,
      });
    }
    if (metricIngestions.has(ingestion) && (through === null || row.d < through)) through = row.d;
  }
  for (const limit of [e.endDate, cap]) if (limit && through && limit < through) through = limit;
  if (!through || through < e.startDate) {
    throw new WharfError(
      `Experiment '${e.name}': no data from its start date ${e.startDate} on (data ends ${through}).`,
      { code: 'experiment.no-data', errorClass: 'state', hint: 'Check startDate, or load the days since it.' },
    );
  }
  return through;
}

/** Turns a requested refresh into the refresh this run carries out, refusing what would mix definitions. */
export async function planRefresh(
  where: RefreshStore,
  source: ExperimentSource,
  request: RefreshRequest,
): Promise<RefreshPlan> {
  const state = await readState(where.store, where.ctx.experiment.name);
  return { ...(await planAgainst(where, source, request, state)), basedOn: stateFingerprint(state) };
}

/** The store an experiment's refresh runs in, and the last day it may cover (`cap`, from --through). */
export interface RefreshStore {
  store: SqlExecutor;
  ctx: SqlContext;
  cap?: string;
}

async function planAgainst(
  where: RefreshStore,
  source: ExperimentSource,
  request: RefreshRequest,
  state: ExperimentState | null,
): Promise<Omit<RefreshPlan, 'basedOn'>> {
  const { store, ctx, cap } = where;
  const e = ctx.experiment;
  const current = stateConfigOf(source.config, source.exposureSqlText);
  const full = (note: string | null, through: string): Omit<RefreshPlan, 'basedOn'> => ({
    type: 'full',
    from: e.startDate,
    to: through,
    through,
    note,
    stateConfig: current,
  });
  if (request.type === 'full') return full(null, await availableThrough(store, ctx, cap));
  if (!state) {
    if (request.type === 'metric')
      throw new WharfError(`Experiment '${e.name}' has never run; a metric refresh needs a previous run.`, {
        code: 'experiment.never-run',
        errorClass: 'state',
        hint: `Run ingest experiment run ${e.name} --full-refresh first.`,
      });
    return full('no previous run: full refresh', await availableThrough(store, ctx, cap));
  }
  const { statisticsVersion, ...previous } = JSON.parse(state.config) as ExperimentConfig & {
    exposureSqlText?: string;
    statisticsVersion?: number;
  };
  if (statisticsVersion !== STATISTICS_VERSION)
    return full(
      `the artifacts were computed by an earlier version of the statistics: full refresh`,
      await availableThrough(store, ctx, cap),
    );
  if (request.type === 'metric')
    return metricPlan(e.name, previous, source, { metric: request.metric, through: state.through });
  if (state.config !== current) throw changedSinceLastRun(e.name, previous, source.config);
  const through = await availableThrough(store, ctx, cap);
  if (through <= state.through)
    return {
      type: 'up-to-date',
      from: null,
      to: null,
      through: state.through,
      note: `already covers the data through ${state.through}`,
      stateConfig: current,
    };
  const from = addDays(state.through, 1);
  const [conflict] = await store.query<{ conflicts: number }>(conflictingExposuresSql(ctx, from, through));
  if (Number(conflict.conflicts) > 0)
    return full(
      `${conflict.conflicts} unit(s) newly exposed to a second group: full refresh so they are excluded from every day`,
      through,
    );
  return { type: 'incremental', from, to: through, through, note: null, stateConfig: current };
}

/** An incremental refresh after a change of definition would mix definitions: what to run instead. */
function changedSinceLastRun(name: string, previous: ExperimentConfig, config: ExperimentConfig): WharfError {
  const diff = diffExperiment(previous, config);
  const what = diff ? diff.reasons.join(', ') : 'exposure SQL changed';
  const hint =
    diff?.refresh === 'metric'
      ? `Run a metric refresh for ${diff.metrics.map((m) => `--metric ${m}`).join(', then ')}, or --full-refresh.`
      : 'Run with --full-refresh.';
  return new WharfError(
    `Experiment '${name}' changed since its last run (${what}); an incremental refresh would mix definitions.`,
    { code: 'experiment.config-changed', errorClass: 'state', hint },
  );
}

function metricPlan(
  name: string,
  previous: ExperimentConfig & { exposureSqlText?: string },
  source: ExperimentSource,
  { metric, through }: { metric: string; through: string },
): Omit<RefreshPlan, 'basedOn'> {
  const { exposureSqlText: previousSql, ...previousConfig } = previous;
  const diff = diffExperiment(previousConfig, source.config);
  if (diff?.refresh === 'full' || (previousSql ?? undefined) !== source.exposureSqlText) {
    throw new WharfError(
      `Experiment '${name}' changed beyond its metrics (${diff?.reasons.join(', ') ?? 'exposure SQL changed'}); a metric refresh cannot restate that.`,
      { code: 'experiment.config-changed', errorClass: 'state', hint: 'Run with --full-refresh.' },
    );
  }
  const inNew = source.config.metrics.find((m) => m.name === metric);
  if (!inNew && !previous.metrics.some((m) => m.name === metric)) {
    throw new WharfError(`Experiment '${name}' has no metric '${metric}'.`, {
      code: 'experiment.unknown-metric',
      errorClass: 'config',
      hint: `Use one of: ${source.config.metrics.map((m) => m.name).join(', ')}.`,
    });
  }
  const metrics = [...previous.metrics.filter((m) => m.name !== metric), ...(inNew ? [inNew] : [])];
  const stateConfig = stateConfigOf({ ...previousConfig, metrics }, source.exposureSqlText);
  return {
    type: 'metric',
    from: previous.startDate,
    to: through,
    through,
    metric,
    note: inNew ? null : `metric ${metric} is no longer defined: its rows are deleted`,
    stateConfig,
  };
}
