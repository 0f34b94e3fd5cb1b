/**
 * The agent: follows the repository, applies each valid commit, runs the schedules on real
 * time, serves the HTTP API, notifies owners and commits status reports back. This file only
 * joins the parts: the commit/apply loop (commit-loop.ts), the API backend (api-backend.ts)
 * and the status reports (status-reports.ts), each in its own module.
 */
import { registerSecret } from '../diagnostics/redact.js';
import { messageOf } from '../diagnostics/errors.js';
import type { GitIdentity } from '../status/committer.js';
import { silentLogger, type Logger } from '../util/log.js';
import { ApiBackend } from './api-backend.js';
import { apiKeysFromEnv, GIT_WEBHOOK_SECRET_ENV } from './api/auth.js';
import { AgentServer } from './api/server.js';
import { CommitLoop } from './commit-loop.js';
import { GitFollower } from './git/follower.js';
import { UI_SWITCH_ENV, uiTokensFromEnv } from './page/auth.js';
import { AgentPage } from './page/handler.js';
import { pageSource } from './page-source.js';
import { ingestionsOf, type RunningConfig } from './running-config.js';
import { StatusReports } from './status-reports.js';
import { systemClock } from '../schedule/clock.js';
import type { Clock } from '../schedule/types.js';

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

export class Agent {
  private readonly log: Logger;
  private readonly env: NodeJS.ProcessEnv;
  private readonly commits: CommitLoop;
  private readonly reports: StatusReports;
  private readonly api: ApiBackend;
  private readonly follower: GitFollower;
  private server: AgentServer | null = null;

  constructor(private readonly options: AgentOptions) {
    const log = (this.log = options.log ?? silentLogger);
    this.env = options.env ?? process.env;
    this.commits = new CommitLoop({
      log,
      env: this.env,
      clock: options.clock ?? systemClock,
      changed: () => this.changed(),
      starting: (project) => this.reports.use(project.settings.statusDir),
    });
    this.reports = new StatusReports({ ...options, log }, this.commits);
    this.api = new ApiBackend({
      applied: this.commits,
      maxRequestDays: options.maxRequestDays,
      branch: options.branch,
      fetchNow: () =>
        void this.follower.poll().catch((err) => log.error('fetch after webhook failed', { error: messageOf(err) })),
    });
    this.follower = new GitFollower({
      remote: options.repo,
      branch: options.branch,
      workdir: options.workdir,
      projectPath: options.projectPath,
      fetchIntervalMs: options.fetchIntervalMs,
      handler: this.commits,
      log: log.child({ component: 'git' }),
    });
  }

  /** Serves the API, then follows the repository (the first valid commit starts the schedules). */
  async start(): Promise<{ host: string; port: number }> {
    const webhookSecret = this.env[GIT_WEBHOOK_SECRET_ENV] || undefined;
    if (webhookSecret) registerSecret(webhookSecret);
    const apiKeys = apiKeysFromEnv(this.env);
    if (apiKeys.length === 0)
      this.log.warn('no API key configured (WHARF_API_KEYS): every authenticated request is refused');
    const uiTokens = uiTokensFromEnv(this.env);
    const page =
      this.env[UI_SWITCH_ENV] === 'off'
        ? undefined
        : new AgentPage(this.pageBackend(), () => [...apiKeys, ...uiTokens]);
    this.server = new AgentServer({
      backend: this.api,
      apiKeys,
      webhookSecret,
      page,
      log: this.log.child({ component: 'api' }),
      now: () => (this.options.clock ?? systemClock).now(),
    });
    const address = await this.server.listen(this.options.port ?? 8787, this.options.host ?? '127.0.0.1');
    this.log.info('agent listening', { host: address.address, port: address.port });
    this.reports.use('status');
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
    await this.commits.stopRunning();
    await this.reports.close();
    await this.commits.close();
    this.log.info('agent stopped');
  }

  /** The whole status folder as the next report would commit it. */
  renderReport(): Promise<Map<string, string>> {
    return this.reports.render();
  }

  /** Pushes the pending status report now (tests and shutdown). */
  flushStatus() {
    return this.reports.flush();
  }

  /** The configuration in effect (its project, runtime and store), or null before the first valid commit. */
  running(): RunningConfig | null {
    return this.commits.running();
  }

  get appliedCommit(): string | null {
    return this.commits.config.appliedCommit;
  }

  /** A commit applied or refused, or a day loaded: a fresh /v1/status and a status report. */
  private changed(): void {
    this.api.changed();
    this.reports.request();
  }

  private pageBackend() {
    return pageSource(() => {
      const running = this.commits.running();
      if (!running) return null;
      return { ...running, config: this.commits.config, ingestions: ingestionsOf(running.project) };
    });
  }
}
