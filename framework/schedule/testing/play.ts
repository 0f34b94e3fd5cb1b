/**
 * Drives a scheduler through simulated time the way the agent drives it through real time:
 * run what is due, sleep until the next wake-up, repeat.
 */
import type { ManualClock } from '../clock.js';
import type { Scheduler } from '../scheduler.js';
import type { Decision } from '../types.js';

/** Plays from the clock's now until `until` (inclusive); returns every decision made. */
export async function playUntil(
  scheduler: Scheduler,
  clock: ManualClock,
  until: Date | string,
  maxSteps = 100_000,
): Promise<Decision[]> {
  const end = new Date(until).getTime();
  const decisions: Decision[] = [];
  for (let step = 0; step < maxSteps; step++) {
    const wake = (await scheduler.nextWakeAt()).getTime();
    if (wake > end) {
      clock.set(new Date(end));
      return decisions;
    }
    clock.set(new Date(Math.max(wake, clock.now().getTime())));
    decisions.push(...(await scheduler.runDue()));
  }
  throw new Error(`playUntil: still busy after ${maxSteps} steps at ${clock.now().toISOString()}`);
}
