/**
 * Runs an experiment's pipeline (seed 004) in the store: decides what a requested refresh
 * means given the previous run (pipeline-plan.ts), runs the steps in one transaction — the
 * artifact tables are never left half-written — and records every step in the job history,
 * failed runs included.
 */
import { randomUUID } from 'node:crypto';
import { WharfError, messageOf } from '../diagnostics/errors.js';
import type { SqlExecutor, StoreConnection } from '../store/types.js';
import { isIsoDate } from '../util/time.js';
import { dialectFor } from './dialect.js';
import { recordJobRun, type JobStep } from './job-history.js';
import { resolveExperiment, type ResolvedExperiment } from './model.js';
import { ROLLUPS } from './names.js';
import { planRefresh, stateFingerprint, type ExperimentSource, type RefreshPlan, type RefreshRequest, type RefreshStore } from './pipeline-plan.js';
import { sqlContext, type SqlContext } from './sql-context.js';
import { readState, writeState } from './state.js';
import * as steps from './steps.js';
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
  requested: RefreshRequest['type'];
  /** The refresh carried out (an incremental refresh may become a full one; see `note`). */
  refresh: RefreshPlan['type'];
  from: string | null;
  to: string | null;
  through: string;
  note: string | null;
  steps: JobStep[];
}

/** Runs one refresh of an experiment's pipeline in the store and returns what it did. */
export async function runExperiment(store: StoreConnection, source: ExperimentSource, request: RefreshRequest, options: RunOptions = {}): Promise<RunResult> {
  const experiment = resolveExperiment(source.config, source.exposureSqlText);
  const ctx = sqlContext(experiment, dialectFor(store.kind));
  checkIdentifiers(ctx);
  if (options.through !== undefined && !isIsoDate(options.through)) {
    throw new WharfError(`'${options.through}' is not a day; --through takes YYYY-MM-DD.`, { code: 'experiment.through', errorClass: 'config', hint: 'e.g. --through 2026-11-30' });
  }
  const run: RunRecord = { runId: randomUUID(), done: [] };
  const { runId, done } = run;
  const plan = await planRun({ store, ctx, cap: options.through }, source, request, run);
  try {
    await store.transaction(async (tx) => {
      await guardAgainstConcurrentRuns(tx, ctx, plan);
      await runSteps(tx, ctx, plan, run);
      if (plan.type !== 'up-to-date') await writeState(tx, { experiment: experiment.name, through: plan.through, config: plan.stateConfig });
    });
  } finally {
    await recordJobRun(store, { runId, experiment: experiment.name, refresh: plan.type, steps: done });
  }
  return { runId, experiment: experiment.name, requested: request.type, refresh: plan.type, from: plan.from, to: plan.to, through: plan.through, note: plan.note, steps: done };
}

/** The run's id and the steps it has carried out so far (recorded in the job history). */
interface RunRecord {
  runId: string;
  done: JobStep[];
}

/** A job-history entry for a step that started at `startedAt` and has just ended. */
function stepRecord(step: string, startedAt: Date, outcome: { rows: number | null } | { error: unknown }): JobStep {
  const durationMs = Date.now() - startedAt.getTime();
  if ('error' in outcome) return { step, startedAt, durationMs, rows: null, bytesScanned: null, status: 'failed', error: messageOf(outcome.error) };
  return { step, startedAt, durationMs, rows: outcome.rows, bytesScanned: null, status: 'succeeded', error: null };
}

/** Plans the refresh, recorded as the run's first step; a failed plan is recorded as a failed run. */
async function planRun(where: RefreshStore, source: ExperimentSource, request: RefreshRequest, { runId, done }: RunRecord): Promise<RefreshPlan> {
  const planned = new Date();
  try {
    const plan = await planRefresh(where, source, request);
    done.push(stepRecord(`plan (${plan.type}${plan.from ? ` ${plan.from} → ${plan.to}` : ''})`, planned, { rows: null }));
    return plan;
  } catch (err) {
    done.push(stepRecord('plan', planned, { error: err }));
    await recordJobRun(where.store, { runId, experiment: where.ctx.experiment.name, refresh: request.type, steps: done });
    throw err;
  }
}

/** Runs the plan's steps in `tx`, recording each; the first failure stops the run. */
async function runSteps(tx: SqlExecutor, ctx: SqlContext, plan: RefreshPlan, { runId, done }: RunRecord): Promise<void> {
  for (const step of stepsFor(ctx, plan)) {
    const startedAt = new Date();
    try {
      const rows = await step.run(tx);
      done.push(stepRecord(step.name, startedAt, { rows }));
    } catch (err) {
      done.push(stepRecord(step.name, startedAt, { error: err }));
      throw new WharfError(`Experiment '${ctx.experiment.name}', step '${step.name}' failed: ${messageOf(err)}`, { code: 'experiment.step-failed', errorClass: 'query', cause: err, details: { runId, step: step.name } });
    }
  }
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
    throw new WharfError(`Experiment '${ctx.experiment.name}' was refreshed by another run while this one was planned.`, {
      code: 'experiment.concurrent-run',
      errorClass: 'state',
      transient: true,
      hint: 'Run it again: the next run plans against the new state.',
    });
  }
}

/** PostgreSQL truncates names past 63 characters; refuse rather than write to a truncated table. */
function checkIdentifiers(ctx: SqlContext): void {
  const t = ctx.tables;
  const longest = [t.firstExposures, t.exposuresSummary, t.userLevelAggregations, t.preExposure, t.funnelEvents, t.windowedMetrics, ...Object.values(t.results)].sort((a, b) => b.length - a.length)[0];
  if (longest.length > ctx.dialect.maxIdentifierLength) {
    throw new WharfError(`The experiment name '${ctx.experiment.name}' is too long for ${ctx.dialect.name}: its table ${longest} has ${longest.length} characters (limit ${ctx.dialect.maxIdentifierLength}).`, {
      code: 'experiment.name-too-long',
      errorClass: 'config',
      hint: `Shorten the experiment name to at most ${ctx.experiment.name.length - (longest.length - ctx.dialect.maxIdentifierLength)} characters.`,
    });
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
