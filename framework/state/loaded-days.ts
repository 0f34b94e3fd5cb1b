/**
 * Loaded days, as planning needs them. The ledger (written by the engine) is the source of
 * truth; this module reads it and compresses each ingestion's loaded days into ranges plus
 * the first-load times of recent days, small enough for `status/state.json`.
 */
import { addDays } from '../util/time.js';
import type { SqlExecutor } from '../store/types.js';
import { isoOf, timestampParam } from './sql-values.js';
import type { DayRange, LoadedDaysSummary } from './types.js';
import { compareText } from '../util/text-order.js';

/** The longest recheck window a mapping may declare (RecheckPolicy.days maximum). */
export const MAX_RECHECK_DAYS = 90;

/** One loaded day of one ingestion. */
export interface LoadedDay {
  ingestion: string;
  date: string;
  firstLoadedAt: Date | null;
}

/** Where loaded-days summaries come from: the ledger in a store, or a list of days. */
export interface LoadedDaysReader {
  summaries(now: Date): Promise<Record<string, LoadedDaysSummary>>;
}

/** Day statuses that count as loaded: data in the store, or a day confirmed to have none. */
const LOADED = `status IN ('succeeded', 'no_data')`;

/**
 * Reads the engine's `ledger` table, compressed in SQL (consecutive days grouped into ranges,
 * recent first-load times aggregated per ingestion) so planning reads one row per range
 * rather than one per day. A store without a ledger (nothing loaded yet) has no loaded days.
 */
export function ledgerReader(connection: SqlExecutor): LoadedDaysReader {
  return {
    async summaries(now) {
      const tables = await connection.query<{ n: number }>(
        "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name = 'ledger' AND table_schema = current_schema()",
      );
      if (Number(tables[0]?.n ?? 0) === 0) return {};
      const out: Record<string, LoadedDaysSummary> = {};
      const entry = (name: string) => (out[name] ??= { days: 0, ranges: [], firstLoadedAt: {} });
      for (const r of await connection.query<{ ingestion: string; from_day: string; to_day: string; n: number }>(
        RANGES_SQL,
      )) {
        const e = entry(r.ingestion);
        e.ranges.push({ from: r.from_day, to: r.to_day });
        e.days += Number(r.n);
      }
      const horizon = timestampParam(new Date(now.getTime() - MAX_RECHECK_DAYS * 86_400_000));
      for (const r of await connection.query<{ ingestion: string; firsts: string }>(RECENT_SQL, [horizon])) {
        const e = entry(r.ingestion);
        for (const pair of r.firsts.split(',')) {
          const [day, at] = pair.split('=');
          e.firstLoadedAt[day] = isoOf(at);
        }
        e.firstLoadedAt = Object.fromEntries(Object.entries(e.firstLoadedAt).sort(([a], [b]) => compareText(a, b)));
      }
      return out;
    },
  };
}

/** Gaps and islands: a day minus its row number is constant along a run of consecutive days. */
const RANGES_SQL = `SELECT ingestion, CAST(MIN("date") AS VARCHAR) AS from_day, CAST(MAX("date") AS VARCHAR) AS to_day, COUNT(*) AS n
FROM (SELECT ingestion, "date", "date" - CAST(ROW_NUMBER() OVER (PARTITION BY ingestion ORDER BY "date") AS INTEGER) AS island FROM ledger WHERE ${LOADED}) days
GROUP BY ingestion, island ORDER BY ingestion, from_day`;

const RECENT_SQL = `SELECT ingestion, string_agg(CAST("date" AS VARCHAR) || '=' || CAST(first_loaded_at AS VARCHAR), ',') AS firsts
FROM ledger WHERE ${LOADED} AND first_loaded_at >= CAST($1 AS TIMESTAMP) GROUP BY ingestion`;

/**
 * Groups loaded days by ingestion and compresses them; first-load times older than the longest window are dropped.
 * @internal The store computes the same summary in SQL (readLoadedDays); this is the in-memory form tests build.
 */
export function summarizeLoadedDays(days: readonly LoadedDay[], now: Date): Record<string, LoadedDaysSummary> {
  const byIngestion = new Map<string, LoadedDay[]>();
  for (const d of days) {
    const list = byIngestion.get(d.ingestion);
    if (list) list.push(d);
    else byIngestion.set(d.ingestion, [d]);
  }
  const horizon = now.getTime() - MAX_RECHECK_DAYS * 86_400_000;
  const out: Record<string, LoadedDaysSummary> = {};
  for (const name of [...byIngestion.keys()].sort()) {
    const list = [...(byIngestion.get(name) ?? [])].sort((a, b) => compareText(a.date, b.date));
    const firstLoadedAt: Record<string, string> = {};
    for (const d of list)
      if (d.firstLoadedAt && d.firstLoadedAt.getTime() >= horizon)
        firstLoadedAt[d.date] = d.firstLoadedAt.toISOString();
    out[name] = {
      days: new Set(list.map((d) => d.date)).size,
      ranges: toRanges(list.map((d) => d.date)),
      firstLoadedAt,
    };
  }
  return out;
}

/** Sorted days → inclusive ranges of consecutive days. */
export function toRanges(sortedDays: readonly string[]): DayRange[] {
  const ranges: DayRange[] = [];
  for (const day of sortedDays) {
    const last = ranges[ranges.length - 1];
    if (last && (day === last.to || day === addDays(last.to, 1))) last.to = day;
    else ranges.push({ from: day, to: day });
  }
  return ranges;
}

/** Number of days covered by ranges. */
export function daysIn(ranges: readonly DayRange[]): number {
  let n = 0;
  for (const r of ranges) n += Math.round((Date.parse(r.to) - Date.parse(r.from)) / 86_400_000) + 1;
  return n;
}
