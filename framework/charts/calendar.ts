/**
 * The calendar strip of an ingestion: one cell per day for the last 90 days up to its newest
 * ledger day (not "today", so the same ledger gives the same chart), coloured and marked with
 * a glyph by status, with the day's figures as the cell's hover title.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { IngestionStatusFile, StatusDay } from '../status/types.js';
import { addDays } from '../util/time.js';
import { renderChart } from './svg.js';
import { STATUS_COLORS } from './theme.js';

export const CALENDAR_DAYS = 90;

export type CellStatus = 'succeeded' | 'reloaded' | 'no_data' | 'failed' | 'not_loaded';

/** Label, colour and glyph (an SVG path in the unit square, drawn as a light stroke) per status. */
const CELL: Record<CellStatus, { label: string; color: string; glyph: string }> = {
  succeeded: { label: 'succeeded', color: STATUS_COLORS.succeeded, glyph: 'M-0.7,0L-0.2,0.55L0.75,-0.6' },
  reloaded: {
    label: 'reloaded after recheck',
    color: STATUS_COLORS.reloaded,
    glyph: 'M0,-0.75L0.75,0L0,0.75L-0.75,0Z',
  },
  no_data: { label: 'no data', color: STATUS_COLORS.no_data, glyph: 'M-0.65,0L0.65,0' },
  failed: { label: 'failed', color: STATUS_COLORS.failed, glyph: 'M-0.6,-0.6L0.6,0.6M0.6,-0.6L-0.6,0.6' },
  not_loaded: { label: 'not loaded', color: 'transparent', glyph: 'M0,0' },
};
const ORDER: CellStatus[] = ['succeeded', 'reloaded', 'no_data', 'failed', 'not_loaded'];
const CELL_WIDTH = 10;
const CELL_HEIGHT = 22;

/** A day's cell status: a successful load triggered by a recheck counts as reloaded. */
export function cellStatus(day: StatusDay | undefined): CellStatus {
  if (!day) return 'not_loaded';
  if (day.status === 'succeeded' && day.trigger === 'recheck') return 'reloaded';
  return day.status;
}

const num = (n: number | null) => (n === null ? '–' : n.toLocaleString('en-US'));

function hover(date: string, status: CellStatus, day: StatusDay | undefined): string {
  if (!day) return `${date}: not loaded`;
  const rows = `${num(day.rowsLoaded)} rows loaded, ${num(day.rowsRejected)} rejected`;
  return `${date}: ${CELL[status].label}, ${rows}${day.error ? `; ${day.errorClass ?? 'error'}: ${day.error.split('\n')[0].slice(0, 160)}` : ''}`;
}

export interface CalendarCell {
  date: string;
  status: CellStatus;
  hover: string;
}

/** The cells of the strip, oldest first, ending at the newest ledger day. */
export function calendarCells(file: IngestionStatusFile, days = CALENDAR_DAYS): CalendarCell[] {
  const end = file.days[0]?.date;
  if (!end) return [];
  const byDate = new Map(file.days.map((d) => [d.date, d]));
  return Array.from({ length: days }, (_, i) => {
    const date = addDays(end, i - days + 1);
    const status = cellStatus(byDate.get(date));
    return { date, status, hover: hover(date, status, byDate.get(date)) };
  });
}

function stripSpec(cells: CalendarCell[]) {
  const values = cells.map((c, i) => ({ ...c, x: i * CELL_WIDTH + 1 }));
  const labelled = cells.filter((_, i) => (cells.length - 1 - i) % 15 === 0).map((c) => c.date);
  const color = {
    field: 'status',
    type: 'nominal',
    scale: { domain: ORDER, range: ORDER.map((s) => CELL[s].color) },
    legend: null,
  } as const;
  return {
    width: cells.length * CELL_WIDTH,
    height: CELL_HEIGHT,
    data: { values },
    encoding: {
      x: {
        field: 'date',
        type: 'ordinal',
        sort: null,
        scale: { paddingInner: 0.15, paddingOuter: 0 },
        axis: {
          title: null,
          values: labelled,
          labelAngle: 0,
          labelExpr: 'slice(datum.value, 5)',
          ticks: true,
          domain: false,
        },
      },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: STATUS_COLORS.no_data, strokeOpacity: 0.6 },
        encoding: {
          color,
          strokeWidth: { condition: { test: "datum.status === 'not_loaded'", value: 1 }, value: 0 },
          description: { field: 'hover' },
        },
      },
      {
        transform: [{ filter: "datum.status !== 'not_loaded'" }],
        mark: { type: 'point', filled: false, stroke: '#ffffff', strokeWidth: 1.4, size: 36, aria: false },
        encoding: {
          shape: {
            field: 'status',
            type: 'nominal',
            scale: { domain: ORDER, range: ORDER.map((s) => CELL[s].glyph) },
            legend: null,
          },
        },
      },
    ],
  };
}

/** A legend drawn as marks (cell, glyph, label) so it shows glyphs and colours together. */
function legendSpec() {
  let x = 0;
  const values = ORDER.map((status) => {
    const item = { status, label: CELL[status].label, x };
    x += 26 + CELL[status].label.length * 6;
    return item;
  });
  const xPx = { field: 'x', type: 'quantitative', scale: null } as const;
  return {
    width: x,
    height: 14,
    data: { values },
    layer: [
      {
        mark: { type: 'rect', width: 10, height: 14, stroke: STATUS_COLORS.no_data, aria: false },
        encoding: {
          x: xPx,
          y: { value: 7 },
          color: {
            field: 'status',
            type: 'nominal',
            scale: { domain: ORDER, range: ORDER.map((s) => CELL[s].color) },
            legend: null,
          },
          strokeWidth: { condition: { test: "datum.status === 'not_loaded'", value: 1 }, value: 0 },
        },
      },
      {
        transform: [{ filter: "datum.status !== 'not_loaded'" }],
        mark: { type: 'point', filled: false, stroke: '#ffffff', strokeWidth: 1.4, size: 36, aria: false },
        encoding: {
          x: xPx,
          y: { value: 7 },
          shape: {
            field: 'status',
            type: 'nominal',
            scale: { domain: ORDER, range: ORDER.map((s) => CELL[s].glyph) },
            legend: null,
          },
        },
      },
      {
        mark: { type: 'text', align: 'left', baseline: 'middle', dx: 8, fontSize: 11, aria: false },
        encoding: { x: xPx, y: { value: 7 }, text: { field: 'label' } },
      },
    ],
  };
}

/** The strip as an SVG document, or null when the ingestion has no days yet. */
export async function calendarStripSvg(file: IngestionStatusFile, days = CALENDAR_DAYS): Promise<string | null> {
  const cells = calendarCells(file, days);
  if (cells.length === 0) return null;
  const count = (s: CellStatus) => cells.filter((c) => c.status === s).length;
  const first = cells[0].date;
  const last = cells[cells.length - 1].date;
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `${file.ingestion}: daily loads, ${first} to ${last}`,
    vconcat: [stripSpec(cells), legendSpec()],
    spacing: 10,
  } as unknown as TopLevelSpec;
  const desc = `Load status of ${file.ingestion} for each of the ${cells.length} days from ${first} to ${last}: ${count('succeeded')} succeeded, ${count('reloaded')} reloaded after a recheck, ${count('no_data')} had no data, ${count('failed')} failed, ${count('not_loaded')} not loaded.`;
  return renderChart(spec, { title: `${file.ingestion}: load status of the last ${cells.length} days`, desc });
}
