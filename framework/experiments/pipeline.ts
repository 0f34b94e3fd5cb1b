/**
 * Runs an experiment's pipeline (seed 004) in the store or in the experiment's warehouse:
 * decides what a requested refresh means given the previous run (pipeline-plan.ts), runs the
 * steps in one transaction — or, on a warehouse without transactions across DDL (BigQuery),
 * on staging tables swapped in atomically once all succeeded (staged-run.ts) — so the
 * artifact tables are never left half-written, and records every step and statement in the
 * job history, failed runs included.
 */
import { randomUUID } from 'node:crypto';
import { WharfError, messageOf } from '../diagnostics/errors.js';
import type { SqlExecutor, StoreConnection } from '../store/types.js';
import { isIsoDate, zoneOrThrow } from '../util/time.js';
import { dialectFor } from './dialect.js';
import { describeLocation, storeExecutor, type PipelineExecutor, type PipelineLocation } from './executor.js';
import { jobTotal, recordJobRun, type JobStep } from './job-history.js';
import { resolveExperiment, type ResolvedExperiment } from './model.js';
import { allArtifactTables, EXPERIMENT_STATE_TABLE, ROLLUPS } from './names.js';
import {
  planRefresh,
  stateFingerprint,
  type ExperimentSource,
  type RefreshPlan,
  type RefreshRequest,
} from './pipeline-plan.js';
import { sqlContext, type SqlContext } from './sql-context.js';
import { dropStaging, stageArtifacts, stagingOf, swapIn } from './staged-run.js';
import { readState, writeState } from './state.js';
import * as steps from './steps.js';
import { withRunMemory } from './store-memory.js';
import { STORE_INPUTS, warehouseInputs } from './warehouse-inputs.js';
import type { Step } from './steps.js';

/** Options of one run. */
export interface RunOptions {
  /** Last day to include (default: the last day every ingestion the experiment reads has data for). */
  through?: string;
}

/** What a run did: the refresh it carried out, the days it covered and each step. */
export interface RunResult {
  runId: string;
  experiment: string;
  /** Where the pipeline ran: the store, or the experiment's warehouse and schema. */
  location: PipelineLocation;
  requested: RefreshRequest['type'];
  /** The refresh carried out (an incremental refresh may become a full one; see `note`). */
  refresh: RefreshPlan['type'];
  from: string | null;
  to: string | null;
  through: string;
  note: string | null;
  steps: JobStep[];
}

/** A finished step as the job history records it, with the statements it ran. */
function stepRecord(
  exec: PipelineExecutor,
  name: string,
  startedAt: Date,
  outcome: { rows: number | null } | { error: unknown },
): JobStep {
  const jobs = exec.takeJobs();
  const failed = 'error' in outcome;
  return {
    step: name,
    startedAt,
    durationMs: Date.now() - startedAt.getTime(),
    rows: failed ? null : outcome.rows,
    bytesScanned: jobTotal(jobs, 'bytesScanned'),
    status: failed ? 'failed' : 'succeeded',
    error: failed ? messageOf(outcome.error) : null,
    jobs,
  };
}

/**
 * Runs one refresh of an experiment's pipeline where the experiment says (the store, or its
 * `warehouse` through `target` opened by openExperimentExecutor) and returns what it did.
 * A StoreConnection is the store.
 */
export async function runExperiment(
  target: PipelineExecutor | StoreConnection,
  source: ExperimentSource,
  request: RefreshRequest,
  options: RunOptions = {},
): Promise<RunResult> {
  const exec = 'takeJobs' in target ? target : storeExecutor(target);
  // On the DuckDB store, with the run's memory limit (store-memory.ts); checked before anything runs.
  return withRunMemory(exec, () => runIn(exec, source, request, options));
}

async function runIn(
  exec: PipelineExecutor,
  source: ExperimentSource,
  request: RefreshRequest,
  options: RunOptions,
): Promise<RunResult> {
  const ctx = await contextFor(exec, source);
  if (options.through !== undefined && !isIsoDate(options.through)) {
    throw new WharfError(`'${options.through}' is not a day; --through takes YYYY-MM-DD.`, {
      code: 'experiment.through',
      errorClass: 'config',
      hint: 'e.g. --through 2026-11-30',
    });
  }
  const name = ctx.experiment.name;
  const run: RunRecord = { runId: randomUUID(), done: [] };
  const { runId, done } = run;
  exec.takeJobs();
  const plan = await planRun({ exec, ctx, cap: options.through }, source, request, run);
  try {
    if (exec.transaction) {
      await exec.transaction(async (tx) => {
        await guardAgainstConcurrentRuns(tx, ctx, plan);
        await runSteps({ exec, tx, ctx }, stepsFor(ctx, plan), run);
        if (plan.type !== 'up-to-date')
          await writeState(tx, { experiment: name, through: plan.through, config: plan.stateConfig });
      }, runTables(ctx));
    } else {
      await runStaged(exec, ctx, plan, run);
    }
  } finally {
    await recordJobRun(exec, { runId, experiment: name, refresh: plan.type, steps: done });
    exec.takeJobs();
  }
  return {
    runId,
    experiment: name,
    location: exec.location,
    requested: request.type,
    refresh: plan.type,
    from: plan.from,
    to: plan.to,
    through: plan.through,
    note: plan.note,
    steps: done,
  };
}

/**
 * The SQL context of the run: the dialect of where it runs and, in a warehouse, the inputs
 * built from the ingestions' SQL. An experiment is refused where it does not belong (one
 * with a `warehouse` on the store, or one without in a warehouse).
 */
async function contextFor(exec: PipelineExecutor, source: ExperimentSource): Promise<SqlContext> {
  const experiment = resolveExperiment(source.config, source.exposureSqlText);
  const wanted = source.config.warehouse;
  const at = exec.location;
  if ((wanted ?? null) !== (at.kind === 'warehouse' ? at.source : null)) {
    throw new WharfError(
      `Experiment '${experiment.name}' runs in ${wanted ? `warehouse '${wanted}'` : 'the store'}, not in ${describeLocation(at)}.`,
      {
        code: 'experiment.wrong-location',
        errorClass: 'config',
        hint: 'Open where the experiment runs with openExperimentExecutor (the CLI does).',
      },
    );
  }
  const dialect = dialectFor(exec.kind);
  let inputs = STORE_INPUTS;
  if (at.kind === 'warehouse') {
    const w = source.warehouse;
    if (!w || !exec.describe)
      throw new WharfError(
        `Experiment '${experiment.name}': its ingestions' SQL was not given for the warehouse run.`,
        { code: 'experiment.warehouse-inputs', errorClass: 'internal' },
      );
    const describe = exec.describe.bind(exec);
    inputs = await warehouseInputs({ dialect, zone: zoneOrThrow(w.timeZone), describe }, w.mappings);
  }
  const ctx = sqlContext(experiment, dialect, inputs);
  checkIdentifiers(ctx);
  return ctx;
}

/**
 * Takes the experiment's lock for the transaction and checks the state is still the one the
 * plan was made against: another run (another agent on a shared store) that committed in
 * between makes this one stop, transiently, rather than append the same days twice.
 */
async function guardAgainstConcurrentRuns(tx: SqlExecutor, ctx: SqlContext, plan: RefreshPlan): Promise<void> {
  const lock = ctx.dialect.transactionLock(`wharf-experiment:${ctx.experiment.name}`);
  if (lock) await tx.query(lock);
  if (stateFingerprint(await readState(tx, ctx.experiment.name)) !== plan.basedOn) {
    throw new WharfError(
      `Experiment '${ctx.experiment.name}' was refreshed by another run while this one was planned.`,
      {
        code: 'experiment.concurrent-run',
        errorClass: 'state',
        transient: true,
        hint: 'Run it again: the next run plans against the new state.',
      },
    );
  }
}

/** The tables a run writes together: its artifacts, and the state last (see SqlSession.staged). */
function runTables(ctx: SqlContext): string[] {
  return [...allArtifactTables(ctx.tables), EXPERIMENT_STATE_TABLE];
}

/** PostgreSQL truncates names past 63 characters; refuse rather than write to a truncated table. */
function checkIdentifiers(ctx: SqlContext): void {
  const longest = allArtifactTables(ctx.tables).sort((a, b) => b.length - a.length)[0];
  if (longest.length > ctx.dialect.maxIdentifierLength) {
    throw new WharfError(
      `The experiment name '${ctx.experiment.name}' is too long for ${ctx.dialect.name}: its table ${longest} has ${longest.length} characters (limit ${ctx.dialect.maxIdentifierLength}).`,
      {
        code: 'experiment.name-too-long',
        errorClass: 'config',
        hint: `Shorten the experiment name to at most ${ctx.experiment.name.length - (longest.length - ctx.dialect.maxIdentifierLength)} characters.`,
      },
    );
  }
}

function metricsNamed(experiment: ResolvedExperiment, names: string[]) {
  return experiment.metrics.filter((m) => names.includes(m.name));
}

function stepsFor(ctx: SqlContext, plan: RefreshPlan): Step[] {
  const e = ctx.experiment;
  if (plan.type === 'up-to-date') return [];
  if (plan.type === 'full') {
    const { from, to } = plan as { from: string; to: string };
    return [
      steps.resetArtifacts(ctx),
      steps.firstExposures(ctx, from, to, false),
      steps.exposuresSummary(ctx),
      steps.funnelEvents(ctx, e.metrics, to),
      steps.userLevelAggregations(ctx, e.metrics, from, to),
      steps.preExposure(ctx, e.metrics, from, to),
      steps.windowedMetrics(ctx, e.metrics, from, to),
      ...ROLLUPS.map((r) => steps.results(ctx, r, e.metrics)),
    ];
  }
  if (plan.type === 'incremental') {
    const { from, to } = plan as { from: string; to: string };
    return [
      steps.firstExposures(ctx, from, to, true),
      steps.exposuresSummary(ctx),
      steps.funnelEvents(ctx, e.metrics, to),
      steps.userLevelAggregations(ctx, e.metrics, from, to),
      steps.preExposure(ctx, e.metrics, from, to),
      steps.windowedMetrics(ctx, e.metrics, from, to),
      ...ROLLUPS.map((r) => steps.results(ctx, r, e.metrics, { from, to })),
    ];
  }
  const metric = plan.metric ?? '';
  const metrics = metricsNamed(e, [metric]);
  const start = e.startDate;
  return [
    steps.deleteMetric(ctx, metric),
    steps.funnelEvents(ctx, metrics, plan.through),
    steps.userLevelAggregations(ctx, metrics, start, plan.through),
    steps.preExposure(ctx, metrics, start, plan.through),
    steps.windowedMetrics(ctx, metrics, start, plan.through),
    ...ROLLUPS.map((r) => steps.results(ctx, r, metrics)),
  ];
}

/** The run's id and the steps it has carried out so far (recorded in the job history). */
interface RunRecord {
  runId: string;
  done: JobStep[];
}

/** Plans the refresh, recorded as the run's first step; a failed plan is recorded as a failed run. */
async function planRun(
  where: { exec: PipelineExecutor; ctx: SqlContext; cap?: string },
  source: ExperimentSource,
  request: RefreshRequest,
  { runId, done }: RunRecord,
): Promise<RefreshPlan> {
  const { exec, ctx, cap } = where;
  const planned = new Date();
  try {
    const plan = await planRefresh({ store: exec, ctx, cap }, source, request);
    const what = `plan (${plan.type}${plan.from ? ` ${plan.from} → ${plan.to}` : ''})`;
    done.push(stepRecord(exec, what, planned, { rows: null }));
    return plan;
  } catch (err) {
    done.push(stepRecord(exec, 'plan', planned, { error: err }));
    const run = { runId, experiment: ctx.experiment.name, refresh: request.type, steps: done };
    await recordJobRun(exec, run);
    throw err;
  }
}

/**
 * A run where the engine has no transaction across the pipeline's writes (staged-run.ts): the
 * steps write staging tables, swapped in with the state in one atomic request once all succeeded.
 */
async function runStaged(exec: PipelineExecutor, ctx: SqlContext, plan: RefreshPlan, run: RunRecord): Promise<void> {
  if (plan.type === 'up-to-date') return;
  if (!exec.atomically) {
    throw new WharfError(
      `The pipeline cannot run in ${describeLocation(exec.location)}: its session has neither multi-statement transactions nor atomic requests to commit a run with.`,
      {
        code: 'experiment.warehouse-no-transactions',
        errorClass: 'config',
        hint: 'Run the experiment in the store (remove `warehouse`).',
      },
    );
  }
  const staging = stagingOf(ctx);
  const state = { experiment: ctx.experiment.name, through: plan.through, config: plan.stateConfig };
  const check = () => guardAgainstConcurrentRuns(exec, ctx, plan);
  try {
    await runSteps(
      { exec, tx: exec, ctx },
      [
        stageArtifacts(staging, plan.type !== 'full'),
        ...stepsFor(staging.ctx, plan),
        swapIn(exec, staging, { state, check }),
      ],
      run,
    );
  } finally {
    // Leftover staging tables only cost storage (the next run replaces them): a failed drop is recorded, not raised.
    await runSteps({ exec, tx: exec, ctx }, [dropStaging(staging)], run).catch(() => undefined);
  }
}

/** Runs `steps` in `tx`, recording each with its statements; the first failure stops the run. */
async function runSteps(
  on: { exec: PipelineExecutor; tx: SqlExecutor; ctx: SqlContext },
  steps: Step[],
  { runId, done }: RunRecord,
): Promise<void> {
  const { exec, tx, ctx } = on;
  for (const step of steps) {
    const startedAt = new Date();
    try {
      done.push(stepRecord(exec, step.name, startedAt, { rows: await step.run(tx) }));
    } catch (err) {
      done.push(stepRecord(exec, step.name, startedAt, { error: err }));
      throw new WharfError(`Experiment '${ctx.experiment.name}', step '${step.name}' failed: ${messageOf(err)}`, {
        code: 'experiment.step-failed',
        errorClass: 'query',
        cause: err,
        details: { runId, step: step.name },
      });
    }
  }
}
