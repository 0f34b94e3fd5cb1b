/**
 * The status report with its charts: renders each ingestion's calendar strip (async, Vega),
 * then the files (status/render.ts, pure) with the Markdown linking them. Same ledger, same
 * bytes: the strip ends at the ingestion's newest day, never at "today".
 */
import { calendarStripSvg } from '../charts/calendar.js';
import type { LedgerEntry } from '../store/types.js';
import { calendarChartPath, renderStatus } from './render.js';
import { ingestionStatus } from './status-day.js';
import type { StatusInput } from './types.js';
import { compareText } from '../util/text-order.js';

/** The calendar strip of every configured ingestion that has days, by path. */
export async function statusCharts(input: StatusInput): Promise<Map<string, string>> {
  const charts = new Map<string, string>();
  for (const info of [...input.ingestions].sort((a, b) => compareText(a.name, b.name))) {
    const entries: LedgerEntry[] = input.ledger.filter((e) => e.ingestion === info.name);
    const svg = await calendarStripSvg(ingestionStatus(info, entries));
    if (svg) charts.set(calendarChartPath(info.name), svg);
  }
  return charts;
}

/** Every file of the report, charts included. */
export async function renderStatusWithCharts(input: StatusInput): Promise<Map<string, string>> {
  return renderStatus({ ...input, charts: await statusCharts(input) });
}
