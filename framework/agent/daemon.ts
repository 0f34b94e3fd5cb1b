/**
 * The agent: follows the repository, applies each valid commit, runs the schedules on real
 * time, serves the HTTP API, notifies owners and commits status reports back. This file only
 * wires the parts together; each part lives in its own module and is tested on its own.
 */
import { join } from 'node:path';
import type { LoadedProject } from '../config/project.js';
import { registerSecret } from '../diagnostics/redact.js';
import { WharfError, messageOf } from '../diagnostics/errors.js';
import { NotificationDispatcher } from '../notify/dispatcher.js';
import { notifyConfigRejected } from '../notify/policy.js';
import { toSnapshot } from '../state/snapshot.js';
import { readPlanningState } from '../state/planning-state.js';
import { StatusCommitter, type GitIdentity } from '../status/committer.js';
import { StatusPublisher } from '../status/publisher.js';
import { renderStatusWithCharts } from '../status/charts.js';
import { renderStatus } from '../status/render.js';
import { ingestionStatus } from '../status/status-day.js';
import type { ConfigStatus, IngestionInfo } from '../status/types.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/types.js';
import { silentLogger, type Logger } from '../util/log.js';
import { apiKeysFromEnv, GIT_WEBHOOK_SECRET_ENV } from './api/auth.js';
import { AgentServer } from './api/server.js';
import type { AgentApiBackend, BackfillInput, MarkDataReadyAnswer, MarkDataReadyInput } from './api/types.js';
import { applyCommit } from './apply-commit.js';
import { DayLeases } from './day-lease.js';
import { GitFollower, type CommitHandler } from './git/follower.js';
import { renderMetrics } from './metrics.js';
import { systemClock } from '../schedule/clock.js';
import type { Clock } from '../schedule/types.js';
import { SharedSummary } from './shared-summary.js';
import { UI_SWITCH_ENV, uiTokensFromEnv } from './page/auth.js';
import { AgentPage } from './page/handler.js';
import { pageSource } from './page-source.js';
import { AgentRuntime } from './runtime.js';

export interface AgentOptions {
  /** Repository URL or local path, and the branch to follow. */
  repo: string;
  branch: string;
  workdir: string;
  host?: string;
  port?: number;
  fetchIntervalMs?: number;
  statusFlushMs?: number;
  identity?: GitIdentity;
  /** Folder of wharf.config.ts inside the repository. */
  projectPath?: string;
  /** Do not commit status reports (a read-only clone). */
  noStatusPush?: boolean;
  /**
   * Where API keys, the webhook secret and notification secrets are read (default
   * process.env). The store URL is resolved by the store from process.env.
   */
  env?: NodeJS.ProcessEnv;
  log?: Logger;
  /** Most days one API request may queue (default DEFAULT_MAX_REQUEST_DAYS, 400). */
  maxRequestDays?: number;
  /**
   * The clock of the schedules, the API's "today" and the latest complete day (default the
   * system clock). Tests fix it so that what the agent loads and reports does not depend on
   * when they run.
   */
  clock?: Clock;
}

interface StatusAnswer {
  appliedCommit: string | null;
  rejectedCommit: ConfigStatus['rejected'];
  ingestions: ReturnType<typeof ingestionStatus>[];
}

/** Oldest a status answer may be: loads by other processes on a shared store are not announced. */
const STATUS_MAX_AGE_MS = 10_000;

/** Tries of applying one commit before it is reported as not applied. */
const APPLY_ATTEMPTS = 3;

interface Running {
  project: LoadedProject;
  sha: string;
  runtime: AgentRuntime;
}

export class Agent implements CommitHandler, AgentApiBackend {
  private readonly log: Logger;
  private readonly env: NodeJS.ProcessEnv;
  private readonly follower: GitFollower;
  private server: AgentServer | null = null;
  private store: Store | null = null;
  private storeKey = '';
  private leases: DayLeases | null = null;
  private running: Running | null = null;
  private dispatcher = new NotificationDispatcher([]);
  private publisher: StatusPublisher | null = null;
  private publisherDir = '';
  private readonly config: ConfigStatus = { appliedCommit: null, rejected: null };
  private applying: Promise<void> = Promise.resolve();
  /** GET /v1/status, made once per change (a load, an apply, a refusal) and shared meanwhile. */
  private readonly statusSummary = new SharedSummary(() => this.computeStatus(), STATUS_MAX_AGE_MS);

  constructor(private readonly options: AgentOptions) {
    this.log = options.log ?? silentLogger;
    this.env = options.env ?? process.env;
    this.follower = new GitFollower({
      remote: options.repo, branch: options.branch, workdir: options.workdir, projectPath: options.projectPath,
      fetchIntervalMs: options.fetchIntervalMs, handler: this, log: this.log.child({ component: 'git' }),
    });
  }

  /** Serves the API, then follows the repository (the first valid commit starts the schedules). */
  async start(): Promise<{ host: string; port: number }> {
    const webhookSecret = this.env[GIT_WEBHOOK_SECRET_ENV] || undefined;
    if (webhookSecret) registerSecret(webhookSecret);
    const apiKeys = apiKeysFromEnv(this.env);
    if (apiKeys.length === 0) this.log.warn('no API key configured (WHARF_API_KEYS): every authenticated request is refused');
    const uiTokens = uiTokensFromEnv(this.env);
    const page = this.env[UI_SWITCH_ENV] === 'off' ? undefined : new AgentPage(this.pageBackend(), () => [...apiKeys, ...uiTokens]);
    this.server = new AgentServer({ backend: this, apiKeys, webhookSecret, page, log: this.log.child({ component: 'api' }), now: () => (this.options.clock ?? systemClock).now() });
    const address = await this.server.listen(this.options.port ?? 8787, this.options.host ?? '127.0.0.1');
    this.log.info('agent listening', { host: address.address, port: address.port });
    this.ensurePublisher('status');
    await this.follower.start();
    return { host: address.address, port: address.port };
  }

  /** Cancels a config validation under way, so a shutdown during start() need not wait for it. */
  interrupt(): void {
    this.follower.interrupt();
  }

  /** Graceful shutdown: no new work, the loads under way finish (or roll back), last report pushed. */
  async stop(): Promise<void> {
    this.log.info('agent stopping');
    // The API drains first (503 to new requests) and alongside the follower, so no request is
    // still using the store when it closes below.
    await Promise.all([this.follower.stop(), this.server?.close()]);
    await this.applying;
    await this.running?.runtime.close();
    await this.publisher?.close();
    this.dispatcher.close();
    await this.store?.close();
    this.store = null;
    this.log.info('agent stopped');
  }

  /** The follower's hand-over of a valid commit (serialized). */
  apply(project: LoadedProject, sha: string): Promise<void> {
    const next = this.applying.then(() => this.applyWithRetry(project, sha));
    this.applying = next.catch(() => undefined);
    return next;
  }

  async rejected(sha: string, problems: string[], restored = false): Promise<void> {
    this.config.rejected = { sha, problems };
    this.statusChanged();
    const policy = this.running?.project.settings.notifications ?? {};
    if (!restored && notifyConfigRejected(policy)) {
      await this.dispatcher.send({ kind: 'config_rejected', project: this.running?.project.settings.name ?? 'wharf', commitSha: sha, detail: problems.join('\n'), at: new Date().toISOString() });
    }
    this.publisher?.request();
  }

  /**
   * Agents starting together on one PostgreSQL store may race creating the store's tables
   * (`CREATE TABLE IF NOT EXISTS` is not atomic there); such a failure is retried. Config
   * errors are not: they are reported at once.
   */
  private async applyWithRetry(project: LoadedProject, sha: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.applyNow(project, sha);
      } catch (err) {
        const permanent = err instanceof WharfError && (err.errorClass === 'config' || err.code === 'state.locked');
        if (permanent || attempt >= APPLY_ATTEMPTS) throw err;
        this.log.warn('applying the commit failed; trying again', { sha, attempt, error: messageOf(err) });
        await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      }
    }
  }

  private async applyNow(project: LoadedProject, sha: string): Promise<void> {
    const previous = this.running;
    await previous?.runtime.stop();
    const store = await this.openStoreFor(project);
    this.dispatcher.close();
    this.dispatcher = NotificationDispatcher.fromPolicy(project.settings.notifications, this.log.child({ component: 'notify' }), this.env, project.root);
    this.ensurePublisher(project.settings.statusDir);
    const runtime = await AgentRuntime.open({
      project, sha, store, leases: this.leases as DayLeases, dispatcher: this.dispatcher, log: this.log, afterLoad: () => this.afterLoad(),
      clock: this.options.clock,
    });
    try {
      const result = await applyCommit({ project, store, scheduler: runtime.scheduler, sha, now: (this.options.clock ?? systemClock).now() });
      this.log.info('plan applied', { sha, changed: result.changed, added: result.added, changedIngestions: result.changedIngestions, removed: result.removed, dataActions: result.ran.length });
    } catch (err) {
      await runtime.close();
      if (previous) await this.resume(previous);
      throw err;
    }
    await previous?.runtime.close();
    this.running = { project, sha, runtime };
    this.config.appliedCommit = sha;
    this.config.rejected = null;
    this.statusChanged();
    runtime.start();
    this.publisher?.request();
  }

  private afterLoad(): void {
    this.statusChanged();
    this.publisher?.request();
  }

  private statusChanged(): void {
    this.statusSummary.changed();
  }

  /** Runs the previous configuration again after a failed apply (a fresh scheduler requeues its loads). */
  private async resume(previous: Running): Promise<void> {
    await previous.runtime.close();
    const runtime = await AgentRuntime.open(previous.runtime.deps);
    this.running = { ...previous, runtime };
    runtime.start();
  }

  private async openStoreFor(project: LoadedProject): Promise<Store> {
    const key = JSON.stringify(project.settings.store);
    if (this.store && key === this.storeKey) return this.store;
    await this.running?.runtime.close();
    await this.store?.close();
    this.store = await openStore(project.settings.store, project.root);
    this.storeKey = key;
    this.leases = new DayLeases(this.store);
    const freed = await this.leases.releaseAbandoned();
    if (freed) this.log.info('freed day leases of stopped agents', { leases: freed });
    return this.store;
  }

  private ensurePublisher(statusDir: string): void {
    if (this.options.noStatusPush || (this.publisher && this.publisherDir === statusDir)) return;
    const committer = new StatusCommitter({
      remote: this.options.repo, branch: this.options.branch, dir: join(this.options.workdir, 'status-clone'),
      statusDir: join(this.options.projectPath ?? '', statusDir), identity: this.options.identity, log: this.log.child({ component: 'status' }),
    });
    void this.publisher?.close();
    this.publisherDir = statusDir;
    this.publisher = new StatusPublisher({ render: () => this.renderReport(), publish: (files) => committer.publish(files, this.running !== null), flushIntervalMs: this.options.statusFlushMs, log: this.log.child({ component: 'status' }) });
  }

  /**
   * The whole status folder, from the ledger and the applied state. Before any configuration
   * is applied it is only the README (the refused commit); existing reports are kept then.
   */
  async renderReport(): Promise<Map<string, string>> {
    const running = this.running;
    if (!running || !this.store) return renderStatus({ ingestions: [], ledger: [], config: { ...this.config } });
    const ledger = await this.store.ledger();
    const snapshot = toSnapshot(await readPlanningState(this.store, new Date()), new Date(0));
    const latest = ledger.reduce((t, e) => Math.max(t, e.finishedAt.getTime()), 0);
    // The export time is the newest load's, so an unchanged state gives an unchanged file.
    const stateJson = JSON.stringify({ ...snapshot, exportedAt: new Date(latest).toISOString() }, null, 2);
    const extraFiles = await running.runtime.experiments.reports();
    return renderStatusWithCharts({ ingestions: this.ingestions(running.project), ledger, config: { ...this.config }, stateJson, extraFiles });
  }

  /** Pushes the pending status report now (tests and shutdown). */
  flushStatus() {
    return this.publisher?.flush() ?? Promise.resolve(null);
  }

  get appliedCommit(): string | null {
    return this.config.appliedCommit;
  }

  private ingestions(project: LoadedProject): IngestionInfo[] {
    return [...project.mappings.values()].map((m) => ({ name: m.config.name, dataset: m.config.dataset, schedule: m.config.schedule, owner: m.config.owner }));
  }

  private pageBackend() {
    return pageSource(() => {
      const running = this.running;
      if (!running || !this.store) return null;
      return { project: running.project, runtime: running.runtime, store: this.store, config: this.config, ingestions: this.ingestions(running.project) };
    });
  }

  private current(): Running {
    if (!this.running) {
      throw new WharfError('The agent has no valid configuration applied yet.', { code: 'agent.no-config', errorClass: 'config', hint: 'See GET /v1/status and status/README.md for why the latest commit was not applied.' });
    }
    return this.running;
  }

  // ---- AgentApiBackend ----

  async markDataReady(input: MarkDataReadyInput): Promise<MarkDataReadyAnswer> {
    const { runtime } = this.current();
    const result = await runtime.scheduler.markDataReady({ dates: input.dates, type: input.type, mapping: input.mapping }, this.options.maxRequestDays);
    if (!result.accepted) return { accepted: false, retryAfter: result.retryAfter as Date, key: result.key };
    runtime.kick();
    return { accepted: true, queued: result.queued };
  }

  async backfill(input: BackfillInput, requestId: string) {
    const { runtime } = this.current();
    const queued = await runtime.scheduler.backfill({
      ...input, trigger: 'api', maxDays: this.options.maxRequestDays, reason: `backfill ${input.from}..${input.to} requested over the API (${requestId})`,
    });
    runtime.kick();
    return { queued };
  }

  async cancelBackfill(input: BackfillInput) {
    const { runtime } = this.current();
    return { cancelled: await runtime.scheduler.cancel(input) };
  }

  /** Served from a summary: one ledger read per change, however many callers ask meanwhile. */
  status(): Promise<StatusAnswer> {
    return this.statusSummary.get();
  }

  private async computeStatus(): Promise<StatusAnswer> {
    const running = this.running;
    const ledger = running && this.store ? await this.store.ledger() : [];
    const byIngestion = new Map<string, typeof ledger>();
    for (const entry of ledger) byIngestion.set(entry.ingestion, [...(byIngestion.get(entry.ingestion) ?? []), entry]);
    const ingestions = running ? this.ingestions(running.project).map((i) => ingestionStatus(i, byIngestion.get(i.name) ?? [])) : [];
    return { appliedCommit: this.config.appliedCommit, rejectedCommit: this.config.rejected, ingestions };
  }

  async metrics() {
    const running = this.running;
    if (!running || !this.store) return renderMetrics({ ledger: [], attempts: [], queueDepth: 0, ingestions: [] });
    const [ledger, attempts, queue] = await Promise.all([this.store.ledger(), this.store.attempts(), running.runtime.state.queue()]);
    return renderMetrics({ ledger, attempts, queueDepth: queue.length, ingestions: [...running.project.mappings.keys()] });
  }

  async health() {
    return { ok: true, appliedCommit: this.config.appliedCommit, rejectedCommit: this.config.rejected?.sha ?? null, running: this.running !== null };
  }

  gitPushed(ref: string | null): void {
    if (ref !== null && ref !== `refs/heads/${this.options.branch}`) return;
    void this.follower.poll().catch((err) => this.log.error('fetch after webhook failed', { error: messageOf(err) }));
  }
}
