/**
 * The agent's status reports: the status folder rendered from the ledger and the applied
 * state, and committed back to the repository by a publisher that batches requests (one
 * commit per flush interval). Follows the status folder of the configuration in effect.
 */
import { join } from 'node:path';
import { toSnapshot } from '../state/snapshot.js';
import { readPlanningState } from '../state/planning-state.js';
import { renderStatusWithCharts } from '../status/charts.js';
import { StatusCommitter, type GitIdentity } from '../status/committer.js';
import { StatusPublisher } from '../status/publisher.js';
import { renderStatus } from '../status/render.js';
import type { Logger } from '../util/log.js';
import { ingestionsOf, type AppliedConfigView } from './running-config.js';

export interface StatusReportOptions {
  /** The repository and branch the reports are committed to. */
  repo: string;
  branch: string;
  workdir: string;
  /** Folder of wharf.config.ts inside the repository. */
  projectPath?: string;
  identity?: GitIdentity;
  /** Do not commit status reports (a read-only clone). */
  noStatusPush?: boolean;
  statusFlushMs?: number;
  log: Logger;
}

export class StatusReports {
  private publisher: StatusPublisher | null = null;
  private publisherDir = '';

  constructor(
    private readonly options: StatusReportOptions,
    private readonly applied: AppliedConfigView,
  ) {}

  /** Publishes into `statusDir` (of the project's folder) from now on. */
  use(statusDir: string): void {
    const o = this.options;
    if (o.noStatusPush || (this.publisher && this.publisherDir === statusDir)) return;
    const log = o.log.child({ component: 'status' });
    const committer = new StatusCommitter({
      remote: o.repo,
      branch: o.branch,
      dir: join(o.workdir, 'status-clone'),
      statusDir: join(o.projectPath ?? '', statusDir),
      identity: o.identity,
      log,
    });
    void this.publisher?.close();
    this.publisherDir = statusDir;
    this.publisher = new StatusPublisher({
      render: () => this.render(),
      publish: (files) => committer.publish(files, this.applied.running() !== null),
      flushIntervalMs: o.statusFlushMs,
      log,
    });
  }

  /** A report is due (pushed at the next flush). */
  request(): void {
    this.publisher?.request();
  }

  /** Pushes the pending report now (tests and shutdown). */
  flush() {
    return this.publisher?.flush() ?? Promise.resolve(null);
  }

  /** Pushes the last report and stops. */
  async close(): Promise<void> {
    await this.publisher?.close();
  }

  /**
   * The whole status folder, from the ledger and the applied state. Before any configuration
   * is applied it is only the README (the refused commit); existing reports are kept then.
   */
  async render(): Promise<Map<string, string>> {
    const running = this.applied.running();
    const config = { ...this.applied.config };
    if (!running) return renderStatus({ ingestions: [], ledger: [], config });
    const ledger = await running.store.ledger();
    const snapshot = toSnapshot(await readPlanningState(running.store, new Date()), new Date(0));
    const latest = ledger.reduce((t, e) => Math.max(t, e.finishedAt.getTime()), 0);
    // The export time is the newest load's, so an unchanged state gives an unchanged file.
    const stateJson = JSON.stringify({ ...snapshot, exportedAt: new Date(latest).toISOString() }, null, 2);
    const extraFiles = await running.runtime.experiments.reports();
    return renderStatusWithCharts({ ingestions: ingestionsOf(running.project), ledger, config, stateJson, extraFiles });
  }
}
