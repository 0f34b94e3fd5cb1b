/**
 * Clocks. The scheduler never calls `Date.now()` itself: the agent gives it the system clock,
 * tests a ManualClock they move forward, so a month of schedules plays in milliseconds.
 */
import type { Clock } from './types.js';
import { internalError } from '../diagnostics/errors.js';

/** The real time. */
export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock that only moves when told to; for tests and simulations.
 * @internal Not used by production code (`knip --production` skips it).
 */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: Date | string) {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Moves to `instant`; refuses to go backwards, which no real clock the scheduler trusts does. */
  set(instant: Date | string): void {
    const next = new Date(instant).getTime();
    if (next < this.current)
      throw internalError(
        `ManualClock cannot go back from ${this.now().toISOString()} to ${new Date(next).toISOString()}`,
      );
    this.current = next;
  }

  advance(ms: number): void {
    this.set(new Date(this.current + ms));
  }
}
