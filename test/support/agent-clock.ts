/**
 * A clock for agent tests: it starts at noon in PST on the day after `latest` and then moves
 * with real time. The latest complete day the agent computes is then `latest` for the next
 * twelve hours, whatever the real time when the run starts; on the system clock a run that
 * crossed PST midnight saw the agent load a day the test had not planned for.
 */
import type { Clock } from '../../framework/schedule/types.js';
import { addDays } from '../../framework/util/time.js';

export function noonAfter(latest: string): Clock {
  const start = Date.parse(`${addDays(latest, 1)}T20:00:00Z`); // 12:00 at UTC-8
  const startedAt = performance.now();
  return { now: () => new Date(start + (performance.now() - startedAt)) };
}
