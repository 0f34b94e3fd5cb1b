/**
 * The agent's HTTP API backend: API requests go to the running configuration's scheduler;
 * `/v1/status` and `/metrics` are read from the store (the status from the ledger, one row
 * per day; the metrics from totals the database sums, store/load-totals.ts).
 */
import { WharfError } from '../diagnostics/errors.js';
import { ingestionStatus } from '../status/status-day.js';
import type { ConfigStatus } from '../status/types.js';
import type { LedgerEntry } from '../store/types.js';
import { readLoadTotals } from '../store/load-totals.js';
import type { AgentApiBackend, BackfillInput, MarkDataReadyAnswer, MarkDataReadyInput } from './api/types.js';
import { renderMetrics } from './metrics.js';
import { ingestionsOf, type AppliedConfigView, type RunningConfig } from './running-config.js';
import { SharedSummary } from './shared-summary.js';

interface StatusAnswer {
  appliedCommit: string | null;
  rejectedCommit: ConfigStatus['rejected'];
  ingestions: ReturnType<typeof ingestionStatus>[];
}

/** Oldest a status answer may be: loads by other processes on a shared store are not announced. */
const STATUS_MAX_AGE_MS = 10_000;

export interface ApiBackendOptions {
  applied: AppliedConfigView;
  /** Most days one API request may queue (default DEFAULT_MAX_REQUEST_DAYS, 400). */
  maxRequestDays?: number;
  /** The branch the agent follows (a push webhook for another ref is ignored). */
  branch: string;
  /** Fetches the repository now (after a push webhook). */
  fetchNow: () => void;
}

export class ApiBackend implements AgentApiBackend {
  /** GET /v1/status, made once per change (a load, an apply, a refusal) and shared meanwhile. */
  private readonly statusSummary = new SharedSummary(() => this.computeStatus(), STATUS_MAX_AGE_MS);

  constructor(private readonly options: ApiBackendOptions) {}

  /** The status changed: the next /v1/status is made afresh. */
  changed(): void {
    this.statusSummary.changed();
  }

  async markDataReady(input: MarkDataReadyInput): Promise<MarkDataReadyAnswer> {
    const { runtime } = this.current();
    const result = await runtime.scheduler.markDataReady(
      { dates: input.dates, type: input.type, mapping: input.mapping },
      this.options.maxRequestDays,
    );
    if (!result.accepted) return { accepted: false, retryAfter: result.retryAfter as Date, key: result.key };
    runtime.kick();
    return { accepted: true, queued: result.queued };
  }

  async backfill(input: BackfillInput, requestId: string) {
    const { runtime } = this.current();
    const queued = await runtime.scheduler.backfill({
      ...input,
      trigger: 'api',
      maxDays: this.options.maxRequestDays,
      reason: `backfill ${input.from}..${input.to} requested over the API (${requestId})`,
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

  async metrics() {
    const running = this.options.applied.running();
    if (!running) return renderMetrics({ totals: new Map(), queueDepth: 0, ingestions: [] });
    const [totals, queue] = await Promise.all([readLoadTotals(running.store), running.runtime.state.queue()]);
    return renderMetrics({ totals, queueDepth: queue.length, ingestions: [...running.project.mappings.keys()] });
  }

  async health() {
    const { config } = this.options.applied;
    return {
      ok: true,
      appliedCommit: config.appliedCommit,
      rejectedCommit: config.rejected?.sha ?? null,
      running: this.options.applied.running() !== null,
    };
  }

  gitPushed(ref: string | null): void {
    if (ref !== null && ref !== `refs/heads/${this.options.branch}`) return;
    this.options.fetchNow();
  }

  private current(): RunningConfig {
    const running = this.options.applied.running();
    if (!running) {
      throw new WharfError('The agent has no valid configuration applied yet.', {
        code: 'agent.no-config',
        errorClass: 'config',
        hint: 'See GET /v1/status and status/README.md for why the latest commit was not applied.',
      });
    }
    return running;
  }

  private async computeStatus(): Promise<StatusAnswer> {
    const running = this.options.applied.running();
    const { config } = this.options.applied;
    if (!running) return { appliedCommit: config.appliedCommit, rejectedCommit: config.rejected, ingestions: [] };
    const byIngestion = new Map<string, LedgerEntry[]>();
    for (const entry of await running.store.ledger()) {
      const days = byIngestion.get(entry.ingestion) ?? [];
      byIngestion.set(entry.ingestion, days);
      days.push(entry);
    }
    const ingestions = ingestionsOf(running.project).map((i) => ingestionStatus(i, byIngestion.get(i.name) ?? []));
    return { appliedCommit: config.appliedCommit, rejectedCommit: config.rejected, ingestions };
  }
}
