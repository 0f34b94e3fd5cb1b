/**
 * Rechecks: every `recheckEvery`, each mapping's days still inside their recheck window are
 * compared with the warehouse using aggregate queries only (dayStats: count and fingerprint,
 * one call per mapping), and reloaded when they changed beyond the policy. Days outside the
 * window are never touched here; only a backfill changes them.
 */
import { messageOf } from '../diagnostics/errors.js';
import type { SchedulerContext } from './context.js';
import { inRecheckWindow, judgeRecheck } from './recheck-rule.js';
import type { ScheduledMapping } from './types.js';

/** Runs the recheck of every mapping whose recheck is due. */
export async function runDueRechecks(ctx: SchedulerContext): Promise<void> {
  const now = ctx.now();
  const busy = new Set((await ctx.state.queue()).map((q) => `${q.mapping}|${q.day}`));
  for (const mapping of ctx.setup.mappings) {
    const last = await ctx.state.lastRecheck(mapping.name);
    if (last && now.getTime() < last.getTime() + ctx.recheckEveryMs) continue;
    try {
      await recheckMapping(ctx, mapping, busy);
    } catch (err) {
      await ctx.record({
        mapping: mapping.name,
        schedule: mapping.schedule,
        action: 'check_failed',
        reason: `recheck failed: ${messageOf(err)}; tried again at the next recheck`,
      });
    }
    await ctx.state.setLastRecheck(mapping.name, now);
  }
}

async function recheckMapping(ctx: SchedulerContext, mapping: ScheduledMapping, busy: Set<string>): Promise<void> {
  const now = ctx.now();
  const entries = [...(await ctx.ledgerDays(mapping.name)).values()].filter(
    (e) => inRecheckWindow(e, mapping.recheck, now) && !busy.has(`${mapping.name}|${e.date}`),
  );
  if (entries.length === 0) return;
  const stats = new Map(
    (
      await ctx.deps.probe.dayStats(
        mapping,
        entries.map((e) => e.date),
      )
    ).map((s) => [s.day, s]),
  );
  for (const entry of entries) {
    const current = stats.get(entry.date);
    if (!current) continue;
    const verdict = judgeRecheck(entry, current, mapping.recheck);
    if (!verdict.reload) continue;
    const reason = `recheck of ${entry.date}: ${verdict.reason}`;
    await ctx.enqueue(
      { mapping: mapping.name, day: entry.date, trigger: 'recheck', reason, retry: null },
      { action: 'reload', reason, schedule: mapping.schedule },
    );
  }
}
