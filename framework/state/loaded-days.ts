/**
 * Loaded days, as planning needs them. The ledger (written by the engine) is the source of
 * truth; this module reads it and compresses each ingestion's loaded days into ranges plus
 * the first-load times of recent days, small enough for `status/state.json`.
 */
import { addDays } from '../util/time.js';
import type { SqlExecutor } from '../store/types.js';
import { isoOf } from './sql-values.js';
import type { DayRange, LoadedDaysSummary } from './types.js';

/** The longest recheck window a mapping may declare (RecheckPolicy.days maximum). */
export const MAX_RECHECK_DAYS = 90;

/** One loaded day of one ingestion. */
export interface LoadedDay {
  ingestion: string;
  date: string;
  firstLoadedAt: Date | null;
}

/** Where loaded days come from: the ledger in a store, or a test's own list. */
export interface LoadedDaysReader {
  loadedDays(): Promise<LoadedDay[]>;
}

/** Day statuses that count as loaded: data in the store, or a day confirmed to have none. */
const LOADED_STATUSES = ['succeeded', 'no_data'];

/** Reads the engine's `ledger` table; a store without one (nothing loaded yet) has no loaded days. */
export function ledgerReader(connection: SqlExecutor): LoadedDaysReader {
  return {
    async loadedDays() {
      const tables = await connection.query<{ n: number }>(
        "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name = 'ledger' AND table_schema = current_schema()",
      );
      if (Number(tables[0]?.n ?? 0) === 0) return [];
      const rows = await connection.query<{ ingestion: string; date: string; first_loaded_at: unknown }>(
        `SELECT ingestion, CAST("date" AS VARCHAR) AS date, first_loaded_at FROM ledger WHERE status IN ('${LOADED_STATUSES.join("', '")}') ORDER BY ingestion, "date"`,
      );
      return rows.map((r) => ({ ingestion: r.ingestion, date: r.date, firstLoadedAt: r.first_loaded_at == null ? null : new Date(isoOf(r.first_loaded_at)) }));
    },
  };
}

/** Groups loaded days by ingestion and compresses them; first-load times older than the longest window are dropped. */
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
    const list = [...(byIngestion.get(name) ?? [])].sort((a, b) => a.date.localeCompare(b.date));
    const firstLoadedAt: Record<string, string> = {};
    for (const d of list) if (d.firstLoadedAt && d.firstLoadedAt.getTime() >= horizon) firstLoadedAt[d.date] = d.firstLoadedAt.toISOString();
    out[name] = { days: new Set(list.map((d) => d.date)).size, ranges: toRanges(list.map((d) => d.date)), firstLoadedAt };
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
