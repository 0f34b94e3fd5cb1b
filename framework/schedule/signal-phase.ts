/**
 * Signal schedules: poll the `finished_date` dataset every `pollEvery`; when it advances,
 * queue every not-yet-loaded day up to it (oldest first); when it goes backwards, ignore it
 * and record why.
 */
import { DEFAULTS } from '../config/project.js';
import { signalPollMs } from '../config/schedule-timing.js';
import type { SignalSchedule } from '../config/types.js';
import { messageOf } from '../diagnostics/errors.js';
import { dayRange } from '../util/time.js';
import { isLoaded, type SchedulerContext } from './context.js';
import { judgeSignal } from './signal-rule.js';
import type { ScheduledMapping } from './types.js';

/** Polls one signal schedule if its poll is due. */
export async function pollSignal(ctx: SchedulerContext, schedule: SignalSchedule): Promise<void> {
  const now = ctx.now();
  const state = await ctx.state.scheduleState(schedule.name);
  if (state.lastPollAt && now.getTime() < state.lastPollAt.getTime() + signalPollMs(schedule)) return;
  let latest: string | null;
  try {
    latest = await ctx.deps.probe.latestFinishedDate(schedule);
  } catch (err) {
    await ctx.record({
      schedule: schedule.name,
      action: 'check_failed',
      reason: `signal poll failed: ${messageOf(err)}; polled again in ${schedule.pollEvery ?? DEFAULTS.signal.pollEvery}`,
    });
    await ctx.state.saveScheduleState({ ...state, lastPollAt: now });
    return;
  }
  const verdict = judgeSignal(state.lastSignalDate, latest);
  let { lastSignalDate, lastIgnoredSignal } = state;
  if (verdict.kind === 'ignore') {
    // Recorded once per backwards date, not at every poll while it stays there.
    if (lastIgnoredSignal !== verdict.date)
      await ctx.record({ schedule: schedule.name, action: 'signal_ignored', reason: verdict.reason });
    lastIgnoredSignal = verdict.date;
  } else if (verdict.kind === 'advance') {
    for (const mapping of ctx.mappingsOf(schedule.name)) await queueUpTo(ctx, mapping, verdict.upTo, verdict.reason);
    lastSignalDate = verdict.upTo;
    lastIgnoredSignal = null;
  }
  await ctx.state.saveScheduleState({ ...state, lastSignalDate, lastIgnoredSignal, lastPollAt: now });
}

async function queueUpTo(ctx: SchedulerContext, mapping: ScheduledMapping, upTo: string, why: string): Promise<void> {
  const ledger = await ctx.ledgerDays(mapping.name, mapping.startDate, upTo);
  for (const day of dayRange(mapping.startDate, upTo)) {
    if (isLoaded(ledger.get(day))) continue;
    const reason = `${why}: ${day} is complete (a later finished date implies earlier days are) and not loaded yet`;
    await ctx.enqueue(
      { mapping: mapping.name, day, trigger: 'signal', reason, retry: null },
      { action: 'queued', reason, schedule: mapping.schedule },
    );
  }
}
