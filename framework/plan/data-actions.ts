/**
 * The data actions that follow a config change. This is where the plan is data-aware:
 * - a new ingestion is backfilled from its start date to the latest complete day;
 * - a change to the SQL, the column mapping or the source restates loaded days by the
 *   mapping's `restate` policy (`recheck-window` by default);
 * - a change of dataset drops what was loaded into the old dataset and loads every day again;
 * - an earlier start date backfills the added days;
 * - anything else (schedule, owner, description, policies) changes no data;
 * - a removed ingestion keeps its data unless `--destroy-data` is given.
 */
import { daysIn, toRanges } from '../state/loaded-days.js';
import type { DayRange, LoadedDaysSummary, NormalizedIngestion } from '../state/types.js';
import { plural } from '../util/plural.js';
import { addDays } from '../util/time.js';
import type { AttributeDiff, DataAction, LoadAction } from './types.js';

/** When the plan is made, in the project's zone. */
export interface PlanClock {
  now: Date;
  latestCompleteDay: string;
}

const EMPTY: LoadedDaysSummary = { days: 0, ranges: [], firstLoadedAt: {} };

/** Attribute paths whose change alters the rows a loaded day would hold. */
export function restates(path: string): boolean {
  return path === 'sqlText' || path === 'mapping.source' || path.startsWith('mapping.columns.');
}

/** Initial backfill of a new ingestion. */
export function createActions(after: NormalizedIngestion, clock: PlanClock): DataAction[] {
  const start = after.mapping.startDate;
  if (start > clock.latestCompleteDay)
    return [
      {
        kind: 'none',
        reason: `startDate ${start} is after the latest complete day (${clock.latestCompleteDay}); the schedule loads days as they complete.`,
      },
    ];
  return [
    load(
      'backfill',
      [{ from: start, to: clock.latestCompleteDay }],
      `initial backfill from startDate ${start} to the latest complete day${signalNote(after)}`,
    ),
  ];
}

/** A signal-scheduled ingestion loads only up to its signal: the engine stops there when the plan is applied. */
function signalNote(after: NormalizedIngestion): string {
  if (after.schedule?.kind !== 'signal') return '';
  return `, at most up to the latest finished_date of signal schedule '${after.schedule.name}' (read when applied; later days wait for the signal)`;
}

/** What happens to a removed ingestion's data. */
export function deleteActions(loaded: LoadedDaysSummary | undefined, destroyData: boolean): DataAction[] {
  const days = loaded?.days ?? 0;
  if (destroyData)
    return [
      {
        kind: 'drop',
        days,
        reason: `--destroy-data: the ${plural(days, 'loaded day')} and their rejects are deleted from the store`,
      },
    ];
  return [
    {
      kind: 'none',
      reason: `data kept: the ${plural(days, 'loaded day')} stay in the store (plan with --destroy-data to delete them)`,
    },
  ];
}

/** An ingestion as applied (`before`) and as configured now (`after`), with its loaded days. */
export interface IngestionUpdate {
  before: NormalizedIngestion;
  after: NormalizedIngestion;
  loaded: LoadedDaysSummary | undefined;
}

/** Data actions of an updated ingestion, from its attribute diffs. */
export function updateActions(
  { before, after, loaded }: IngestionUpdate,
  attributes: AttributeDiff[],
  clock: PlanClock,
): DataAction[] {
  const days = loaded ?? EMPTY;
  if (attributes.some((a) => a.path === 'mapping.dataset')) return replaceDataset(before, after, days, clock);
  const actions: DataAction[] = [];
  const triggers = attributes.filter((a) => restates(a.path)).map((a) => a.path);
  if (triggers.length) actions.push(restate(triggers, after, days, clock));
  const extension = startDateExtension(before.mapping.startDate, after.mapping.startDate, clock);
  if (extension) actions.push(extension);
  if (actions.length === 0)
    actions.push({ kind: 'none', reason: `no data action: ${describeOnly(attributes)} does not change loaded data` });
  return actions;
}

/** The reloads `after`'s restate policy asks for when the `triggers` attributes changed. */
function restate(
  triggers: string[],
  after: NormalizedIngestion,
  loaded: LoadedDaysSummary,
  clock: PlanClock,
): DataAction {
  const policy = after.mapping.restate;
  const why = `${triggers.map(label).join(', ')} changed`;
  if (policy === 'none')
    return {
      kind: 'none',
      reason: `${why}; restate policy none: the ${plural(loaded.days, 'loaded day')} keep the old version until a backfill is asked for`,
    };
  const ranges =
    policy === 'all' ? loaded.ranges : recheckWindowRanges(loaded, after.mapping.recheck?.days ?? 0, clock.now);
  if (daysIn(ranges) === 0)
    return {
      kind: 'none',
      reason: `${why}; restate policy ${policy}: no loaded day ${policy === 'all' ? 'exists yet' : 'is inside the recheck window'}`,
    };
  const scope =
    policy === 'all'
      ? 'every loaded day is reloaded'
      : `the loaded days still inside the ${after.mapping.recheck?.days}-day recheck window are reloaded`;
  return { ...load('restate', ranges, `${why}; restate policy ${policy}: ${scope}`), policy };
}

/** Loaded days whose first load is less than `windowDays` ago. */
function recheckWindowRanges(loaded: LoadedDaysSummary, windowDays: number, now: Date): DayRange[] {
  const cutoff = now.getTime() - windowDays * 86_400_000;
  const inside = Object.entries(loaded.firstLoadedAt)
    .filter(([, at]) => Date.parse(at) > cutoff)
    .map(([day]) => day)
    .sort();
  return toRanges(inside);
}

function replaceDataset(
  before: NormalizedIngestion,
  after: NormalizedIngestion,
  loaded: LoadedDaysSummary,
  clock: PlanClock,
): DataAction[] {
  const actions: DataAction[] = [
    {
      kind: 'drop',
      days: loaded.days,
      reason: `dataset changed from ${before.mapping.dataset} to ${after.mapping.dataset}: the ${plural(loaded.days, 'day')} loaded into ${before.mapping.dataset} are deleted`,
    },
  ];
  const start = after.mapping.startDate;
  if (start <= clock.latestCompleteDay)
    actions.push(
      load(
        'backfill',
        [{ from: start, to: clock.latestCompleteDay }],
        `every day from startDate ${start} is loaded into ${after.mapping.dataset}${signalNote(after)}`,
      ),
    );
  return actions;
}

function startDateExtension(before: string, after: string, clock: PlanClock): DataAction | null {
  if (after >= before || after > clock.latestCompleteDay) return null;
  const to = addDays(before, -1) < clock.latestCompleteDay ? addDays(before, -1) : clock.latestCompleteDay;
  return load(
    'backfill',
    [{ from: after, to }],
    `startDate moved earlier from ${before} to ${after}: the added days are loaded`,
  );
}

function load(purpose: LoadAction['purpose'], ranges: DayRange[], reason: string): LoadAction {
  return { kind: 'load', purpose, ranges, days: daysIn(ranges), reason };
}

function label(path: string): string {
  return path === 'sqlText' ? 'SQL' : path;
}

function describeOnly(attributes: AttributeDiff[]): string {
  const groups = [...new Set(attributes.map((a) => a.path.split('.').slice(0, 2).join('.')))];
  return `a change to ${groups.join(', ')}`;
}
