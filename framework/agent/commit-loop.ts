/**
 * The agent's commit/apply loop (the git follower's CommitHandler): applies each valid commit,
 * one at a time, on the store its configuration names (reopened only when that changes),
 * starts the new configuration's runtime and stops the old one; a failed apply resumes the
 * previous configuration. A refused commit is recorded and its owners notified.
 */
import type { LoadedProject } from '../config/project.js';
import { isTransient, messageOf } from '../diagnostics/errors.js';
import { NotificationDispatcher } from '../notify/dispatcher.js';
import { notifyConfigRejected } from '../notify/policy.js';
import type { Clock } from '../schedule/types.js';
import type { ConfigStatus } from '../status/types.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/types.js';
import type { Logger } from '../util/log.js';
import { applyCommit } from './apply-commit.js';
import { DayLeases } from './day-lease.js';
import type { CommitHandler } from './git/follower.js';
import type { AppliedConfigView, RunningConfig } from './running-config.js';
import { AgentRuntime } from './runtime.js';

/** Tries of applying one commit before it is reported as not applied (transient failures only). */
const APPLY_ATTEMPTS = 3;

export interface CommitLoopOptions {
  log: Logger;
  /** Where notification secrets are read. */
  env: NodeJS.ProcessEnv;
  /** The clock of the schedules and of planning (the system clock outside tests). */
  clock: Clock;
  /** The status changed: a commit applied or refused, a day loaded. */
  changed: () => void;
  /** A commit's project is about to run (the status reports follow its status folder). */
  starting: (project: LoadedProject) => void;
}

/** An open store and the leases over it, kept across commits while the store settings stay. */
interface OpenStore {
  key: string;
  store: Store;
  leases: DayLeases;
}

export class CommitLoop implements CommitHandler, AppliedConfigView {
  readonly config: ConfigStatus = { appliedCommit: null, rejected: null };
  private current: RunningConfig | null = null;
  private open: OpenStore | null = null;
  private dispatcher = new NotificationDispatcher([]);
  private applying: Promise<void> = Promise.resolve();

  constructor(private readonly options: CommitLoopOptions) {}

  running(): RunningConfig | null {
    return this.current;
  }

  /** The follower's hand-over of a valid commit (serialized). */
  apply(project: LoadedProject, sha: string): Promise<void> {
    const next = this.applying.then(() => this.applyWithRetry(project, sha));
    this.applying = next.catch(() => undefined);
    return next;
  }

  async rejected(sha: string, problems: string[], restored = false): Promise<void> {
    this.config.rejected = { sha, problems };
    this.options.changed();
    const project = this.current?.project;
    if (!restored && notifyConfigRejected(project?.settings.notifications ?? {})) {
      await this.dispatcher.send({
        kind: 'config_rejected',
        project: project?.settings.name ?? 'wharf',
        commitSha: sha,
        detail: problems.join('\n'),
        at: new Date().toISOString(),
      });
    }
  }

  /** Waits for an apply under way, then stops the running configuration (its loads finish or roll back). */
  async stopRunning(): Promise<void> {
    await this.applying;
    await this.current?.runtime.close();
  }

  /** After stopRunning: closes the notifications and the store. */
  async close(): Promise<void> {
    this.dispatcher.close();
    await this.open?.store.close();
    this.open = null;
  }

  /** Only failures marked transient (a dropped connection, a lock still held) are tried again. */
  private async applyWithRetry(project: LoadedProject, sha: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.applyNow(project, sha);
      } catch (err) {
        if (!isTransient(err) || attempt >= APPLY_ATTEMPTS) throw err;
        this.options.log.warn('applying the commit failed; trying again', { sha, attempt, error: messageOf(err) });
        await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      }
    }
  }

  private async applyNow(project: LoadedProject, sha: string): Promise<void> {
    const previous = this.current;
    await previous?.runtime.stop();
    const { store, leases } = await this.storeFor(project);
    const log = this.options.log;
    this.dispatcher.close();
    this.dispatcher = NotificationDispatcher.fromPolicy(
      project.settings.notifications,
      log.child({ component: 'notify' }),
      this.options.env,
      project.root,
    );
    this.options.starting(project);
    const runtime = await AgentRuntime.open({
      project,
      sha,
      store,
      leases,
      dispatcher: this.dispatcher,
      log,
      afterLoad: this.options.changed,
      clock: this.options.clock,
    });
    try {
      const result = await applyCommit({
        project,
        store,
        scheduler: runtime.scheduler,
        sha,
        now: this.options.clock.now(),
      });
      log.info('plan applied', {
        sha,
        changed: result.changed,
        added: result.added,
        changedIngestions: result.changedIngestions,
        removed: result.removed,
        dataActions: result.ran.length,
      });
    } catch (err) {
      await runtime.close();
      if (previous) await this.resume(previous);
      throw err;
    }
    await previous?.runtime.close();
    this.current = { project, sha, runtime, store };
    this.config.appliedCommit = sha;
    this.config.rejected = null;
    runtime.start();
    this.options.changed();
  }

  /** Runs the previous configuration again after a failed apply (a fresh scheduler requeues its loads). */
  private async resume(previous: RunningConfig): Promise<void> {
    await previous.runtime.close();
    const runtime = await AgentRuntime.open(previous.runtime.deps);
    this.current = { ...previous, runtime };
    runtime.start();
  }

  /** The store of the project's settings: the open one when they are unchanged, else a new one. */
  private async storeFor(project: LoadedProject): Promise<OpenStore> {
    const key = JSON.stringify(project.settings.store);
    if (this.open?.key === key) return this.open;
    await this.current?.runtime.close();
    await this.open?.store.close();
    this.open = null;
    const store = await openStore(project.settings.store, project.root);
    const leases = new DayLeases(store);
    const freed = await leases.releaseAbandoned();
    if (freed) this.options.log.info('freed day leases of stopped agents', { leases: freed });
    this.open = { key, store, leases };
    return this.open;
  }
}
