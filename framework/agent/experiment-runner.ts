/**
 * The agent's experiment runs: after the loads of a scheduler run have finished, each
 * experiment reading an ingestion that loaded runs its incremental refresh (what
 * `ingest experiment run NAME` does), and its report (what `ingest experiment report` writes)
 * goes into the status commit as `experiments/<name>.md`.
 *
 * A day loaded again at or before the day the experiment's artifacts already cover (a
 * recheck, a backfill), or an experiment config changed since its last run, restates the
 * experiment with a full refresh instead. A failed run
 * is logged, recorded in the job history (so the report shows it), notified once, and never
 * stops the agent's loads. An experiment with a `warehouse` runs there: the warehouse is
 * opened for its run and its report, and closed after.
 */
import type { LoadedProject } from '../config/project.js';
import { WharfError, messageOf } from '../diagnostics/errors.js';
import { redactSecrets } from '../diagnostics/redact.js';
import { ingestionsOf, resolveExperiment } from '../experiments/model.js';
import { runExperiment } from '../experiments/pipeline.js';
import { stateConfigOf, type ExperimentSource, type RefreshRequest } from '../experiments/pipeline-plan.js';
import { experimentSource, openExperimentExecutor } from '../experiments/project-experiment.js';
import { readExperimentResults } from '../experiments/results.js';
import { lastJobRun } from '../experiments/job-history.js';
import { readState } from '../experiments/state.js';
import type { NotificationDispatcher } from '../notify/dispatcher.js';
import type { DayStatus, Store, StoreConnection } from '../store/types.js';
import type { PipelineExecutor } from '../experiments/executor.js';
import type { Logger } from '../util/log.js';
import { readLiftHistory } from '../experiments/lift-history.js';
import { experimentFiles } from './experiment-files.js';

/** Folder of the experiment reports inside the status folder. */
export const EXPERIMENT_REPORT_DIR = 'experiments';

export interface ExperimentRunnerDeps {
  project: LoadedProject;
  store: Store;
  dispatcher: NotificationDispatcher;
  log: Logger;
  commitSha: string;
}

/** What one experiment waits for: a run, and the earliest day loaded again since its last run. */
interface Pending {
  earliestDay: string;
}

export class ExperimentRunner {
  private readonly pending = new Map<string, Pending>();
  /** Experiments whose last run failed (notified once, until a run succeeds). */
  private readonly failing = new Set<string>();

  constructor(private readonly deps: ExperimentRunnerDeps) {
    // A new configuration (or a restart): every experiment checks for days it has not covered.
    for (const name of deps.project.experiments.keys()) this.pending.set(name, { earliestDay: '9999-12-31' });
  }

  /** The experiments reading `ingestion`. */
  private readersOf(ingestion: string): string[] {
    return [...this.deps.project.experiments.values()]
      .filter((e) => ingestionsOf(resolveExperiment(e.config, e.exposureSqlText)).includes(ingestion))
      .map((e) => e.config.name);
  }

  /** A day load finished: experiments reading the ingestion run after the current loads. */
  noteLoad(ingestion: string, day: string, status: DayStatus): void {
    if (status !== 'succeeded') return;
    for (const name of this.readersOf(ingestion)) {
      const p = this.pending.get(name);
      this.pending.set(name, { earliestDay: p && p.earliestDay < day ? p.earliestDay : day });
    }
  }

  /** Whether a run is waiting (the runtime calls runPending after its loads). */
  get hasPending(): boolean {
    return this.pending.size > 0;
  }

  /**
   * Runs every pending experiment, one at a time. `waiting(ingestions)` says whether loads of
   * those ingestions are still queued: such an experiment waits for the next call, so a
   * backfill of many days is one refresh, not one per day. Returns the experiments run.
   */
  async runPending(
    waiting: (ingestions: string[]) => Promise<boolean>,
    stopped: () => boolean = () => false,
  ): Promise<string[]> {
    const ran: string[] = [];
    for (const [name, p] of [...this.pending]) {
      if (stopped()) break;
      const source = experimentSource(this.deps.project, name);
      const reads = ingestionsOf(resolveExperiment(source.config, source.exposureSqlText));
      if (await waiting(reads)) continue;
      this.pending.delete(name);
      // Before every ingestion it reads has loaded a day, there is nothing to run (a load will ask again).
      if (!(await this.everyIngestionLoaded(reads))) continue;
      if (await this.runOne(source, p, stopped)) ran.push(name);
    }
    return ran;
  }

  private async everyIngestionLoaded(ingestions: string[]): Promise<boolean> {
    for (const ingestion of ingestions) {
      if (!(await this.deps.store.ledger({ ingestion })).some((e) => e.status === 'succeeded')) return false;
    }
    return true;
  }

  /** One refresh: full when the config changed or a covered day was loaded again, else incremental. */
  private async refresh(sql: StoreConnection | PipelineExecutor, source: ExperimentSource, p: Pending): Promise<void> {
    const name = source.config.name;
    const log = this.deps.log.child({ experiment: name });
    const state = await readState(sql, name);
    // A config change since the last run restates it too (an incremental run would refuse it).
    const changed = state !== null && state.config !== stateConfigOf(source.config, source.exposureSqlText);
    const reloaded = state !== null && p.earliestDay <= String(state.through);
    const restate = changed || reloaded;
    const request: RefreshRequest = restate ? { type: 'full' } : { type: 'incremental' };
    const result = await runExperiment(sql, source, request);
    if (result.refresh === 'up-to-date') log.debug('experiment up to date', { through: result.through });
    else
      log.info('experiment refreshed', {
        refresh: result.refresh,
        from: result.from,
        to: result.to,
        note: result.note ?? undefined,
        reason: changed
          ? 'the experiment changed since its last run'
          : reloaded
            ? `a day on or before ${state?.through} was loaded again`
            : undefined,
      });
  }

  /** Runs `fn` where the experiment lives: the agent's store, or its warehouse (opened for the call). */
  private async where<T>(
    source: ExperimentSource,
    fn: (sql: StoreConnection | PipelineExecutor) => Promise<T>,
  ): Promise<T> {
    if (!source.config.warehouse) return fn(this.deps.store);
    const executor = await openExperimentExecutor(this.deps.project, source);
    try {
      return await fn(executor);
    } finally {
      await executor.close();
    }
  }

  /** Runs one experiment; false when a shutdown interrupted it. */
  private async runOne(source: ExperimentSource, p: Pending, stopped: () => boolean): Promise<boolean> {
    const name = source.config.name;
    const log = this.deps.log.child({ experiment: name });
    try {
      await this.where(source, (sql) => this.refresh(sql, source, p));
      this.failing.delete(name);
      return true;
    } catch (err) {
      if (err instanceof WharfError && err.code === 'experiment.no-data') {
        // Its ingestions have not loaded yet: not a failure, it runs after their first load.
        log.info('experiment waits for data', { reason: messageOf(err) });
        return true;
      }
      if (err instanceof WharfError && err.code === 'experiment.concurrent-run') {
        // Another agent on the shared store refreshed it meanwhile: its run covers these days.
        log.info('experiment refreshed by another run meanwhile', { reason: messageOf(err) });
        return true;
      }
      if (stopped()) {
        // The agent is shutting down and closed the store under the run: not the experiment's
        // failure (no error, no notification); it runs again after the next start.
        log.debug('experiment run interrupted by shutdown', { error: messageOf(err) });
        this.pending.set(name, p);
        return false;
      }
      log.error('experiment run failed; ingestion goes on', { error: messageOf(err) });
      if (this.failing.has(name)) return true;
      this.failing.add(name);
      if (this.deps.project.settings.notifications.onFailure ?? true) {
        await this.deps.dispatcher.send({
          kind: 'experiment_failure',
          project: this.deps.project.settings.name,
          experiment: name,
          detail: messageOf(err),
          owner: source.config.owner,
          commitSha: this.deps.commitSha,
          at: new Date().toISOString(),
        });
      }
      return true;
    }
  }

  /** `experiments/<name>.md` for every experiment, relative to the status folder. */
  /** Every experiment's report (`experiments/<name>.md`) and its charts beside it, redacted. */
  async reports(): Promise<Map<string, string>> {
    const files = new Map<string, string>();
    for (const name of [...this.deps.project.experiments.keys()].sort()) {
      let reportFiles: Map<string, string>;
      try {
        const source = experimentSource(this.deps.project, name);
        reportFiles = await this.where(source, (sql) => this.reportFiles(sql, source));
      } catch (err) {
        // One unreadable experiment must not hold up the status of every ingestion.
        this.deps.log.error('experiment report could not be read', { experiment: name, error: messageOf(err) });
        reportFiles = new Map([
          [
            reportPath(name),
            [`# Experiment \`${name}\``, '', `The report could not be read from the store: ${messageOf(err)}`, ''].join(
              '\n',
            ),
          ],
        ]);
      }
      // Errors in the job history may quote a connection string: reports are redacted like status files.
      for (const [path, text] of reportFiles) files.set(path, redactSecrets(text));
    }
    return files;
  }

  private async reportFiles(
    sql: StoreConnection | PipelineExecutor,
    source: ExperimentSource,
  ): Promise<Map<string, string>> {
    const name = source.config.name;
    const last = await lastJobRun(sql, name);
    const failed = last?.steps.find((s) => s.status === 'failed');
    const state = await readState(sql, name);
    if (!state) {
      const why = failed
        ? `The last run failed at step \`${failed.step}\`: ${failed.error ?? 'no message'}`
        : 'It runs once the ingestions it reads have loaded.';
      return new Map([[reportPath(name), [`# Experiment \`${name}\``, '', `No results yet. ${why}`, ''].join('\n')]]);
    }
    const results = await readExperimentResults(sql, source);
    const files = await experimentFiles(results, await readLiftHistory(sql, name), EXPERIMENT_REPORT_DIR);
    if (!failed) return files;
    // Keep the last good results, and say above them that the newest run failed.
    const [title, ...rest] = files.get(reportPath(name))!.split('\n');
    files.set(
      reportPath(name),
      [
        title,
        '',
        `> **The last run failed** at step \`${failed.step}\`: ${failed.error ?? 'no message'}. The results below are from the run before it.`,
        ...rest,
      ].join('\n'),
    );
    return files;
  }
}

function reportPath(name: string): string {
  return `${EXPERIMENT_REPORT_DIR}/${name}.md`;
}
