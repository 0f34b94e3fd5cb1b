/**
 * One configuration running: the engine over the store, the scheduler over the engine (with
 * the agent's leased, notifying loader), and the loop that feeds the scheduler real time:
 * it runs what is due, then sleeps until the scheduler's next wake time (at most a minute,
 * so new API requests and clock jumps are picked up), and is woken at each daily schedule
 * time by the wall clock (daily-wakeups.ts). A new commit replaces the runtime;
 * the store stays open across commits.
 */
import type { LoadedProject } from '../config/project.js';
import { ConnectorPool } from '../engine/connector-pool.js';
import type { EngineContext } from '../engine/types.js';
import { messageOf } from '../diagnostics/errors.js';
import type { NotificationDispatcher } from '../notify/dispatcher.js';
import { engineSchedulerDeps } from '../schedule/engine-adapters.js';
import { Scheduler, SqlSchedulerState, schedulerSetupFromProject, systemClock } from '../schedule/index.js';
import type { Clock } from '../schedule/types.js';
import type { ScheduledTask } from 'node-cron';
import type { Store } from '../store/types.js';
import type { Logger } from '../util/log.js';
import { startDailyWakeups, stopDailyWakeups } from './daily-wakeups.js';
import type { DayLeases } from './day-lease.js';
import { ExperimentRunner } from './experiment-runner.js';
import { LoadGate, observedLoader } from './observed-loader.js';

/** Longest sleep of the loop between two scheduler runs. */
export const MAX_SLEEP_MS = 60_000;

export interface RuntimeDeps {
  project: LoadedProject;
  sha: string;
  store: Store;
  leases: DayLeases;
  dispatcher: NotificationDispatcher;
  log: Logger;
  afterLoad: () => void;
  clock?: Clock;
}

/** What `open` builds for the runtime. */
interface RuntimeParts {
  scheduler: Scheduler;
  state: SqlSchedulerState;
  engine: EngineContext;
  gate: LoadGate;
  experiments: ExperimentRunner;
}

export class AgentRuntime {
  readonly engine: EngineContext;
  /** The experiments of this configuration: run after the loads they read, reported in status/. */
  readonly experiments: ExperimentRunner;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly gate: LoadGate;
  private wakeups: ScheduledTask[] = [];

  readonly scheduler: Scheduler;
  readonly state: SqlSchedulerState;

  private constructor(
    readonly deps: RuntimeDeps,
    parts: RuntimeParts,
  ) {
    ({
      scheduler: this.scheduler,
      state: this.state,
      engine: this.engine,
      gate: this.gate,
      experiments: this.experiments,
    } = parts);
  }

  static async open(deps: RuntimeDeps): Promise<AgentRuntime> {
    const { project, store } = deps;
    const engine: EngineContext = {
      project,
      store,
      connectors: new ConnectorPool(project),
      trigger: 'schedule',
      commitSha: deps.sha,
    };
    const state = new SqlSchedulerState(store);
    const base = engineSchedulerDeps(engine, state, deps.clock ?? systemClock);
    const gate = new LoadGate();
    const experiments = new ExperimentRunner({
      project,
      store,
      dispatcher: deps.dispatcher,
      log: deps.log.child({ component: 'experiments' }),
      commitSha: deps.sha,
    });
    const loader = observedLoader({
      gate,
      inner: base.loader,
      ledger: store,
      leases: deps.leases,
      notifications: project.settings.notifications,
      dispatcher: deps.dispatcher,
      project: project.settings.name,
      owner: (m) => project.mappings.get(m)?.config.owner,
      commitSha: () => deps.sha,
      afterLoad: (mapping, day, status) => {
        experiments.noteLoad(mapping, day, status);
        deps.afterLoad();
      },
    });
    const log = deps.log.child({ component: 'scheduler' });
    const scheduler = await Scheduler.open(
      schedulerSetupFromProject(project),
      { ...base, loader },
      {
        onDecision: (d) => log.info(d.reason, { action: d.action, mapping: d.mapping, day: d.day, trigger: d.trigger }),
      },
    );
    return new AgentRuntime(deps, { scheduler, state, engine, gate, experiments });
  }

  /** Starts the loop (runs what is due now). */
  start(): void {
    this.stopped = false;
    this.gate.open();
    this.wakeups = startDailyWakeups(
      schedulerSetupFromProject(this.deps.project),
      () => this.kick(),
      this.deps.log.child({ component: 'scheduler' }),
    );
    this.kick();
  }

  /** Runs the scheduler now (after an API request); runs never overlap. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running = this.runOnce().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.kick();
      } else void this.sleep();
    });
  }

  /**
   * Stops starting work and waits for the day loads under way (each commits or rolls back).
   * Loads still waiting in the queue stay there for the next start; the scheduler run in
   * progress is left parked rather than awaited, so a long backfill does not hold up a shutdown.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await stopDailyWakeups(this.wakeups);
    await this.gate.close();
  }

  async close(): Promise<void> {
    await this.stop();
    await this.engine.connectors.closeAll();
  }

  private async runOnce(): Promise<void> {
    try {
      await this.scheduler.runDue();
      await this.runExperiments();
    } catch (err) {
      // After a shutdown began, the store may close under a run's bookkeeping; its queue item
      // stays claimed and runs again on the next start (loads are idempotent).
      if (this.stopped) this.deps.log.debug('scheduler run interrupted by shutdown', { error: messageOf(err) });
      else this.deps.log.error('scheduler run failed; trying again at the next wake-up', { error: messageOf(err) });
    }
  }

  /**
   * After the loads: the experiments whose ingestions loaded, unless more loads of them are
   * queued (then the next run does it, once). In the loop, so loads and experiment runs of
   * one agent never overlap; a failed experiment is reported by the runner and never stops loads.
   */
  private async runExperiments(): Promise<void> {
    if (this.stopped || !this.experiments.hasPending) return;
    const waiting = async (ingestions: string[]) =>
      (await this.state.queue()).some((q) => ingestions.includes(q.mapping));
    const ran = await this.experiments.runPending(waiting, () => this.stopped);
    if (ran.length) this.deps.afterLoad();
  }

  private async sleep(): Promise<void> {
    if (this.stopped) return;
    let ms = MAX_SLEEP_MS;
    try {
      const now = (this.deps.clock ?? systemClock).now().getTime();
      ms = Math.min(MAX_SLEEP_MS, Math.max(0, (await this.scheduler.nextWakeAt()).getTime() - now));
    } catch (err) {
      this.deps.log.error('could not compute the next wake-up', { error: messageOf(err) });
    }
    if (this.stopped || this.running) return;
    this.timer = setTimeout(() => this.kick(), Math.max(ms, 250));
    this.timer.unref();
  }
}
