/**
 * A mapping on a signal schedule loads nothing after the signal's latest `finished_date`
 * ("Statsig relies on you signalling that your metric/events for a given day are done"):
 * not in a backfill, not in `run`, not in `apply`'s initial backfill. Days after it wait for
 * the signal, which loads them as it advances (schedule/signal-phase.ts).
 */
import type { LoadedMapping } from '../config/project.js';
import type { IsoDate, SignalSchedule } from '../config/types.js';
import type { Connector } from '../connectors/types.js';
import { WharfError } from '../diagnostics/errors.js';
import type { EngineContext } from './types.js';

/** The mapping's signal schedule, or null for daily and api schedules. */
export function signalScheduleOf(ctx: EngineContext, mapping: LoadedMapping): SignalSchedule | null {
  const schedule = ctx.project.schedules.get(mapping.config.schedule)?.config;
  return schedule?.kind === 'signal' ? schedule : null;
}

/**
 * The signal's latest finished_date through the schedule's source (null: no day finished yet),
 * for loads and for the scheduler's signal polls. A config error when the source cannot hold
 * a signal, or a table signal has no table.
 */
export async function readFinishedDate(connector: Connector, schedule: SignalSchedule): Promise<IsoDate | null> {
  if (connector.capabilities.signals === 'none' || !connector.latestFinishedDate) {
    throw new WharfError(
      `Schedule '${schedule.name}': source '${schedule.source}' (${connector.kind}) cannot hold a finished_date signal.`,
      {
        code: 'schedule.signal-unsupported',
        errorClass: 'config',
        hint: 'Point the signal schedule at a warehouse source with a finished_date table, or at an S3 source with a signals/ folder.',
      },
    );
  }
  if (connector.capabilities.signals === 'table' && !schedule.table) {
    throw new WharfError(
      `Schedule '${schedule.name}': source '${schedule.source}' needs a 'table' holding the finished_date column.`,
      {
        code: 'schedule.signal-table',
        errorClass: 'config',
        hint: "Add table: 'your_signal_table' to the schedule.",
      },
    );
  }
  return connector.latestFinishedDate({ table: schedule.table });
}

/** The signal's latest finished_date (null: no day is finished yet). */
export async function latestSignalledDay(ctx: EngineContext, schedule: SignalSchedule): Promise<string | null> {
  return readFinishedDate(await ctx.connectors.get(schedule.source), schedule);
}

/** Days of `days` after the signal: all of them when nothing is signalled yet. */
export function afterSignal(days: string[], signalled: string | null): string[] {
  return days.filter((d) => signalled === null || d > signalled);
}

/** Why days wait, in one sentence. */
export function waitingReason(mapping: string, schedule: SignalSchedule, signalled: string | null): string {
  const upTo = signalled
    ? `marks days finished up to ${signalled} (its latest finished_date)`
    : 'has not marked any day finished yet';
  return `'${mapping}' is on signal schedule '${schedule.name}', which ${upTo}; later days wait for the signal.`;
}

/** Throws a config error when any of the days is after the mapping's signal. */
export async function refuseUnsignalledDays(ctx: EngineContext, mapping: LoadedMapping, days: string[]): Promise<void> {
  const schedule = signalScheduleOf(ctx, mapping);
  if (!schedule) return;
  const signalled = await latestSignalledDay(ctx, schedule);
  const waiting = afterSignal(days, signalled);
  if (waiting.length === 0) return;
  throw new WharfError(
    `Cannot load ${mapping.config.name} for ${waiting.length === 1 ? waiting[0] : `${waiting[0]}..${waiting.at(-1)}`}: ${waitingReason(mapping.config.name, schedule, signalled)}`,
    {
      code: 'day.awaiting-signal',
      errorClass: 'config',
      hint: `Write a later finished_date into the signal${schedule.table ? ` table ${schedule.table}` : ''} once those days are complete.`,
    },
  );
}
