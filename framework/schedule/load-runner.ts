/**
 * Runs the load queue: oldest item first, at most `maxConcurrency` loads per source at once,
 * never two loads of the same day at once. Each load is atomic (the loader's contract), and
 * an item leaves the queue only after its load finished, so a crash re-runs it on restart.
 */
import { hintOf, messageOf } from '../diagnostics/errors.js';
import { isLoaded, type SchedulerContext } from './context.js';
import { resumeRetryAfterFailure } from './daily-phase.js';
import { sourceConcurrency } from './setup.js';
import type { QueueItem } from './state.js';
import type { LoadOutcome, LoadTrigger, ScheduledMapping } from './types.js';

/**
 * Triggers that load a day only because it is not loaded: a daily window's check and a
 * signal. Such an item can be queued while another load of its day runs (the check found
 * data just before that load finished); it is then dropped when its turn comes, since a
 * second load would only repeat the first and ask experiments over the day to restate.
 */
const LOADS_MISSING_DAYS_ONLY: ReadonlySet<LoadTrigger> = new Set(['schedule', 'signal']);

/** One per scheduler: tracks the loads running in this process. */
export class LoadRunner {
  private readonly running = new Map<number, Promise<void>>();
  private readonly runningDays = new Set<string>();
  private readonly perSource = new Map<string, number>();

  /** Starts whatever may start and waits until the queue is empty (or only blocked items remain). */
  async drain(ctx: SchedulerContext): Promise<void> {
    for (;;) {
      for (const item of await ctx.state.queue()) await this.maybeStart(ctx, item);
      if (this.running.size === 0) return;
      await Promise.race(this.running.values());
    }
  }

  private async maybeStart(ctx: SchedulerContext, item: QueueItem): Promise<void> {
    if (item.startedAt || this.running.has(item.seq)) return;
    const mapping = ctx.mapping(item.mapping);
    if (!mapping) {
      await ctx.state.dequeue(item.seq);
      await ctx.record({
        mapping: item.mapping,
        day: item.day,
        action: 'skipped',
        reason: `mapping '${item.mapping}' is no longer configured`,
      });
      return;
    }
    const dayKey = `${item.mapping}|${item.day}`;
    const inSource = this.perSource.get(mapping.source) ?? 0;
    if (this.runningDays.has(dayKey) || inSource >= sourceConcurrency(ctx.setup, mapping.source)) return;
    // Reserved synchronously, before any await, so no other drain starts the same item or day.
    this.runningDays.add(dayKey);
    this.perSource.set(mapping.source, inSource + 1);
    const release = () => {
      this.running.delete(item.seq);
      this.runningDays.delete(dayKey);
      this.perSource.set(mapping.source, (this.perSource.get(mapping.source) ?? 1) - 1);
    };
    // Claimed in the store before the next item is looked at, so loads start in queue order.
    let claimed = false;
    try {
      claimed = await ctx.state.claim(item.seq, ctx.now());
    } finally {
      if (!claimed) release();
    }
    if (!claimed) return;
    this.running.set(item.seq, this.run(ctx, item, mapping).finally(release));
  }

  private async run(ctx: SchedulerContext, item: QueueItem, mapping: ScheduledMapping): Promise<void> {
    if (LOADS_MISSING_DAYS_ONLY.has(item.trigger)) {
      // A ledger that cannot be read lets the load go ahead: it reports the store's error itself.
      const entry = await ctx.ledgerDay(mapping.name, item.day).catch(() => undefined);
      if (isLoaded(entry)) {
        await ctx.record({
          mapping: mapping.name,
          schedule: mapping.schedule,
          day: item.day,
          trigger: item.trigger,
          action: 'skipped',
          reason: `${item.day} was loaded meanwhile (${entry!.trigger}); ${item.reason}`,
        });
        await ctx.state.dequeue(item.seq);
        return;
      }
    }
    let outcome: LoadOutcome;
    try {
      outcome = await ctx.deps.loader.load(mapping, item.day, item.trigger);
    } catch (err) {
      const [error, hint] = [messageOf(err), hintOf(err)];
      outcome = { status: 'failed', rowsLoaded: 0, sourceRowCount: null, fingerprint: null, error, hint };
    }
    await this.finish(ctx, item, mapping, outcome);
  }

  private async finish(
    ctx: SchedulerContext,
    item: QueueItem,
    mapping: ScheduledMapping,
    outcome: LoadOutcome,
  ): Promise<void> {
    const base = { mapping: mapping.name, schedule: mapping.schedule, day: item.day, trigger: item.trigger };
    if (outcome.status === 'failed') {
      const retrying = item.retry
        ? await resumeRetryAfterFailure(ctx, { mapping: mapping.name, day: item.day, ...item.retry })
        : false;
      const tail = retrying ? '; the daily retry loop checks again until its cutoff' : '';
      await ctx.record({
        ...base,
        action: 'failed',
        reason: `load failed: ${outcome.error ?? 'no error message'}${outcome.hint ? ` — ${outcome.hint}` : ''}${tail}`,
      });
    } else {
      const rows = outcome.status === 'no_data' ? 'no rows' : `${outcome.rowsLoaded} rows`;
      await ctx.record({ ...base, action: 'loaded', reason: `${outcome.status}, ${rows} (${item.reason})` });
    }
    await ctx.state.dequeue(item.seq);
  }
}
