/**
 * The scheduler core's public surface, for `ingest apply`, the agent and their tests.
 * See docs/schedules.md for the rules it follows.
 */
export { Scheduler } from './scheduler.js';
export { systemClock } from './clock.js';
export { SqlSchedulerState } from './sql-state.js';
/** @internal A clock and a state for tests and simulations; production code does not use them. */
export { ManualClock } from './clock.js';
/** @internal */
export { MemorySchedulerState } from './memory-state.js';
export { schedulerSetupFromProject } from './setup.js';
export type * from './types.js';
