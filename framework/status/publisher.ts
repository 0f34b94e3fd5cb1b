/**
 * Batches status commits: every finished load asks for a report, but a report is rendered
 * and pushed at most once per flush interval (and once more at shutdown), so a 90-day
 * backfill is a handful of commits, not 90. A failed push is logged and retried at the next
 * interval; the report is derived from the ledger, so a late push loses nothing.
 */
import { messageOf } from '../diagnostics/errors.js';
import { silentLogger, type Logger } from '../util/log.js';
import type { PublishResult } from './committer.js';

/** Default time between two status commits. */
export const DEFAULT_STATUS_FLUSH_MS = 60_000;

export interface StatusPublisherOptions {
  /** Renders the whole report (status/render.ts over the current ledger). */
  render: () => Promise<Map<string, string>>;
  /** Writes, commits and pushes it (a StatusCommitter). */
  publish: (files: Map<string, string>) => Promise<PublishResult>;
  flushIntervalMs?: number;
  log?: Logger;
  /** Called after each push (tests and metrics). */
  onPublished?: (result: PublishResult) => void;
}

export class StatusPublisher {
  private dirty = false;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<PublishResult | null> = Promise.resolve(null);
  private closed = false;
  private readonly log: Logger;

  constructor(private readonly options: StatusPublisherOptions) {
    this.log = options.log ?? silentLogger;
  }

  /** Asks for a report; it is pushed with the next flush. */
  request(): void {
    this.dirty = true;
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.options.flushIntervalMs ?? DEFAULT_STATUS_FLUSH_MS);
    this.timer.unref();
  }

  /** Renders and pushes now if a report was asked for; flushes never overlap. */
  flush(): Promise<PublishResult | null> {
    this.running = this.running.then(() => this.flushOnce());
    return this.running;
  }

  /** Stops the timer and pushes what is pending (graceful shutdown). */
  async close(): Promise<PublishResult | null> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    return this.flush();
  }

  private async flushOnce(): Promise<PublishResult | null> {
    if (!this.dirty) return null;
    this.dirty = false;
    try {
      const result = await this.options.publish(await this.options.render());
      this.options.onPublished?.(result);
      return result;
    } catch (err) {
      this.log.error('status report not pushed; trying again at the next flush', { error: messageOf(err) });
      this.request();
      return null;
    }
  }
}
