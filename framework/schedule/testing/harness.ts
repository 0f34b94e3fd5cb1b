/**
 * A scheduler wired to a SimulatedWarehouse, a ManualClock and scheduler state (in memory,
 * or in a store when a connection is given), for clock-driven tests.
 */
import { DEFAULTS } from '../../config/project.js';
import type { RecheckPolicy, ScheduleConfig } from '../../config/types.js';
import type { StoreConnection } from '../../store/types.js';
import { ManualClock } from '../clock.js';
import { MemorySchedulerState } from '../memory-state.js';
import { Scheduler } from '../scheduler.js';
import { SqlSchedulerState } from '../sql-state.js';
import type { SchedulerState } from '../state.js';
import type { ScheduledMapping, SchedulerOptions, SchedulerSetup } from '../types.js';
import { SimulatedWarehouse } from './simulated-warehouse.js';

/** A mapping for tests: `events` from source `warehouse`, seed recheck defaults unless given. */
export function testMapping(
  name: string,
  schedule: string,
  startDate: string,
  recheck: RecheckPolicy = {},
  source = 'warehouse',
): ScheduledMapping {
  return { name, source, dataset: 'events', schedule, startDate, recheck: { ...DEFAULTS.recheck, ...recheck } };
}

export interface Simulation {
  clock: ManualClock;
  warehouse: SimulatedWarehouse;
  scheduler: Scheduler;
  /** The state store, when one was given. */
  db?: StoreConnection;
  /** The scheduler's state (its queue, rate limits, decisions). */
  state: SchedulerState;
  setup: SchedulerSetup;
}

export interface SimulationOptions extends SchedulerOptions {
  /** Start of simulated time; not needed when a clock is given. */
  start?: string;
  schedules: ScheduleConfig[];
  mappings: ScheduledMapping[];
  timeZone?: string;
  sources?: SchedulerSetup['sources'];
  /** State store; the state stays in memory when omitted. */
  db?: StoreConnection;
  /** Reuse a clock and warehouse (e.g. to restart a scheduler after downtime). */
  clock?: ManualClock;
  warehouse?: SimulatedWarehouse;
}

export async function simulate(options: SimulationOptions): Promise<Simulation> {
  if (!options.clock && !options.start) throw new Error('simulate: give a start time or a clock');
  const clock = options.clock ?? new ManualClock(options.start!);
  const warehouse = options.warehouse ?? new SimulatedWarehouse(clock);
  const db = options.db;
  const setup: SchedulerSetup = {
    timeZone: options.timeZone ?? 'PST',
    schedules: options.schedules,
    mappings: options.mappings,
    sources: options.sources ?? [{ name: 'warehouse' }],
  };
  const state: SchedulerState = db ? new SqlSchedulerState(db) : new MemorySchedulerState();
  const deps = { clock, loader: warehouse, probe: warehouse, ledger: warehouse, state };
  const scheduler = await Scheduler.open(setup, deps, options);
  return { clock, warehouse, scheduler, db, state, setup };
}
