/**
 * An experiment's charts: the lift of every treatment group per metric with its confidence
 * interval (significant ones filled and labelled), the cumulative relative lift with its
 * interval by days since the first day, and exposures per group over time. Colour always
 * comes with a second cue: marker shape and a text label, or a dash pattern and a line label.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ExperimentResults } from '../experiments/results.js';
import type { LiftPoint } from '../experiments/lift-history.js';
import { pct as fmtPercent } from './format.js';
import { daysBetween } from '../util/time.js';
import { renderChart } from './svg.js';
import { GROUP_COLORS, LIFT_COLORS, RULE_LIGHT } from './theme.js';
import { compareText } from '../util/text-order.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const VERDICTS = ['significant increase', 'significant decrease', 'not significant'] as const;
type Verdict = (typeof VERDICTS)[number];
const VERDICT_COLOR = [LIFT_COLORS.up, LIFT_COLORS.down, LIFT_COLORS.flat];
const VERDICT_SHAPE = ['triangle-up', 'triangle-down', 'circle'];
const DASHES = [
  [1, 0],
  [6, 3],
  [2, 2],
  [8, 3, 2, 3],
  [4, 4],
];

export interface ExperimentCharts {
  lift: string | null;
  cumulativeLift: string | null;
  exposures: string | null;
}

function verdict(significant: boolean | null, lift: number | null): Verdict {
  if (!significant || lift === null) return 'not significant';
  return lift > 0 ? 'significant increase' : 'significant decrease';
}

interface LiftRow {
  row: string;
  lift: number;
  lower: number | null;
  upper: number | null;
  verdict: Verdict;
  text: string;
}

function liftRows(r: ExperimentResults): LiftRow[] {
  const treatments = new Set(r.metrics.flatMap((m) => m.groups.filter((g) => !g.is_control).map((g) => g.group_name)));
  const rows: LiftRow[] = [];
  for (const m of r.metrics) {
    for (const g of m.groups) {
      if (g.is_control || g.rel_lift === null || !Number.isFinite(Number(g.rel_lift))) continue;
      const v = verdict(g.significant, Number(g.rel_lift));
      const row = treatments.size > 1 ? `${m.metric} · ${g.group_name}` : m.metric;
      const lower = g.rel_lift_ci_lower === null ? null : Number(g.rel_lift_ci_lower);
      const upper = g.rel_lift_ci_upper === null ? null : Number(g.rel_lift_ci_upper);
      const text = `${fmtPercent(Number(g.rel_lift))} [${fmtPercent(lower)}, ${fmtPercent(upper)}] ${v === 'not significant' ? 'not significant' : v === 'significant increase' ? '▲ significant' : '▼ significant'}`;
      rows.push({ row, lift: Number(g.rel_lift), lower, upper, verdict: v, text });
    }
  }
  return rows;
}

const verdictColor = {
  field: 'verdict',
  type: 'nominal',
  scale: { domain: VERDICTS, range: VERDICT_COLOR },
  legend: null,
} as const;

/** Lift bars: per metric (and treatment group) the relative lift as a marker on its interval. */
export async function liftBarsSvg(r: ExperimentResults): Promise<string | null> {
  const rows = liftRows(r);
  if (rows.length === 0) return null;
  const level = `${((1 - r.significanceLevel) * 100).toFixed(0)}%`;
  const y = { field: 'row', type: 'nominal', sort: null, axis: { title: null, labelLimit: 220 } } as const;
  const x = {
    field: 'lift',
    type: 'quantitative',
    axis: { title: `relative lift vs ${r.control} (${level} CI)`, format: '+.0%', grid: true },
  } as const;
  const spec = {
    $schema: SCHEMA,
    title: `${r.experiment}: relative lift per metric`,
    width: 360,
    height: { step: 28 },
    data: { values: rows },
    layer: [
      { mark: { type: 'rule', color: RULE_LIGHT, aria: false }, encoding: { x: { datum: 0, type: 'quantitative' } } },
      {
        mark: { type: 'rule', strokeWidth: 2, aria: false },
        encoding: { y, x: { field: 'lower', type: 'quantitative' }, x2: { field: 'upper' }, color: verdictColor },
      },
      {
        mark: { type: 'point', filled: true, size: 90 },
        encoding: {
          y,
          x,
          color: verdictColor,
          shape: { field: 'verdict', type: 'nominal', scale: { domain: VERDICTS, range: VERDICT_SHAPE }, legend: null },
          description: { field: 'text', type: 'nominal' },
        },
      },
      {
        mark: { type: 'text', align: 'left', baseline: 'middle', x: 368, fontSize: 11, aria: false },
        encoding: { y, text: { field: 'text' } },
      },
    ],
  } as unknown as TopLevelSpec;
  const significant = rows.filter((row) => row.verdict !== 'not significant');
  const desc =
    `Relative lift of each metric against the control group ${r.control}, with ${level} confidence intervals. ` +
    (significant.length
      ? `Significant: ${significant.map((row) => `${row.row} ${row.text.split(' [')[0]}`).join(', ')}.`
      : 'No metric moved significantly.') +
    ` ${rows.map((row) => `${row.row}: ${row.text}`).join('; ')}.`;
  return renderChart(spec, { title: `${r.experiment}: relative lift per metric`, desc });
}

/** The cumulative relative lift and its interval by days since the first day, one panel per metric. */
export async function cumulativeLiftSvg(experiment: string, history: LiftPoint[]): Promise<string | null> {
  const points = history.filter((p) => p.relLift !== null && Number.isFinite(p.relLift));
  if (points.length === 0) return null;
  const first = points.reduce((min, p) => (p.day < min ? p.day : min), points[0].day);
  const groups = [...new Set(points.map((p) => p.group))].sort();
  const values = points.map((p) => ({
    ...p,
    day: daysBetween(first, p.day),
    date: p.day,
    text: `${p.metric}, ${p.group}, day ${daysBetween(first, p.day)} (${p.day}): ${fmtPercent(p.relLift)} [${fmtPercent(p.lower)}, ${fmtPercent(p.upper)}]`,
  }));
  const spec = cumulativeLiftSpec(experiment, first, groups, values);
  return renderChart(spec, {
    title: `${experiment}: cumulative relative lift over time`,
    desc: cumulativeLiftDescription(points, first),
  });
}

/** The Vega-Lite spec of the cumulative lift chart: a band, the zero rule, a line and points per group. */
function cumulativeLiftSpec(experiment: string, first: string, groups: string[], values: object[]): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title: `${experiment}: cumulative relative lift`,
    data: { values },
    facet: {
      row: {
        field: 'metric',
        type: 'nominal',
        header: {
          title: null,
          labelAngle: 0,
          labelAlign: 'left',
          labelAnchor: 'start',
          labelOrient: 'top',
          labelFontSize: 12,
        },
      },
    },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 420,
      height: 110,
      layer: cumulativeLiftLayers(first, groups),
    },
  } as unknown as TopLevelSpec;
}

/** One panel's layers: the interval band, the zero rule, and a line and points per group. */
function cumulativeLiftLayers(first: string, groups: string[]): object[] {
  const color = {
    field: 'group',
    type: 'nominal',
    scale: { domain: groups, range: GROUP_COLORS.slice(1) },
    legend: { title: 'group', orient: 'top' },
  } as const;
  const x = { field: 'day', type: 'quantitative', axis: { title: `days since ${first}`, tickMinStep: 1 } } as const;
  return [
    {
      mark: { type: 'area', opacity: 0.18, aria: false },
      encoding: {
        x,
        y: { field: 'lower', type: 'quantitative', title: 'relative lift', axis: { format: '+.0%' } },
        y2: { field: 'upper' },
        color,
      },
    },
    { mark: { type: 'rule', color: RULE_LIGHT, aria: false }, encoding: { y: { datum: 0, type: 'quantitative' } } },
    {
      mark: { type: 'line', strokeWidth: 2, aria: false },
      encoding: {
        x,
        y: { field: 'relLift', type: 'quantitative' },
        color,
        strokeDash: {
          field: 'group',
          type: 'nominal',
          scale: { domain: groups, range: DASHES.slice(1) },
          legend: { title: 'group', orient: 'top' },
        },
      },
    },
    {
      mark: { type: 'point', filled: true, size: 22 },
      encoding: {
        x,
        y: { field: 'relLift', type: 'quantitative' },
        color,
        description: { field: 'text', type: 'nominal' },
      },
    },
  ];
}

/** The chart's text description: what it shows and each metric and group's latest lift. */
function cumulativeLiftDescription(points: LiftPoint[], first: string): string {
  const last = new Map<string, LiftPoint>();
  for (const p of points) last.set(`${p.metric} · ${p.group}`, p);
  return (
    `Cumulative relative lift against the control by days since ${first}, with its confidence interval as a band. Latest: ` +
    [...last]
      .map(([key, p]) => `${key} ${fmtPercent(p.relLift)} [${fmtPercent(p.lower)}, ${fmtPercent(p.upper)}] on ${p.day}`)
      .join('; ') +
    '.'
  );
}

/**
 * Units exposed per group over time (cumulative), one line per group with its own dash pattern (shown in the legend).
 */
export async function exposuresSvg(r: ExperimentResults): Promise<string | null> {
  const rows = r.health.exposures.map((e) => ({
    day: String(e.day).slice(0, 10),
    group: e.group_name,
    units: Number(e.cumulative_units),
    daily: Number(e.units),
  }));
  if (rows.length === 0) return null;
  const groups = [...new Set(rows.map((e) => e.group))].sort((a, b) =>
    a === r.control ? -1 : b === r.control ? 1 : compareText(a, b),
  );
  const values = rows.map((e) => ({
    ...e,
    text: `${e.group}, ${e.day}: ${e.units.toLocaleString('en-US')} units exposed so far (${e.daily.toLocaleString('en-US')} that day)`,
  }));
  const lastDay = rows.reduce((max, e) => (e.day > max ? e.day : max), rows[0].day);
  const legend = { title: 'group', orient: 'top' } as const;
  const color = { field: 'group', type: 'nominal', scale: { domain: groups, range: GROUP_COLORS }, legend } as const;
  // A day `YYYY-MM-DD` parses as UTC midnight: a UTC scale keeps its ticks and labels on that
  // day, where the default (the host's zone) labelled each day the day before west of UTC.
  const x = {
    field: 'day',
    type: 'temporal',
    scale: { type: 'utc' },
    axis: { title: null, format: '%m-%d', tickCount: 'day', labelOverlap: true },
  } as const;
  const y = { field: 'units', type: 'quantitative', axis: { title: 'units exposed (cumulative)' } } as const;
  const spec = {
    $schema: SCHEMA,
    title: `${r.experiment}: exposures per group`,
    width: 420,
    height: 160,
    data: { values },
    layer: [
      {
        mark: { type: 'line', strokeWidth: 2, aria: false },
        encoding: {
          x,
          y,
          color,
          strokeDash: { field: 'group', type: 'nominal', scale: { domain: groups, range: DASHES }, legend },
        },
      },
      {
        mark: { type: 'point', filled: true, size: 22 },
        encoding: { x, y, color, description: { field: 'text', type: 'nominal' } },
      },
    ],
  } as unknown as TopLevelSpec;
  const totals = groups.map(
    (g) =>
      `${g} ${rows.filter((e) => e.group === g && e.day === lastDay).map((e) => e.units.toLocaleString('en-US'))[0] ?? '0'}`,
  );
  const desc = `Cumulative units exposed per group by day through ${lastDay}: ${totals.join(', ')}.`;
  return renderChart(spec, { title: `${r.experiment}: exposures per group over time`, desc });
}

/** All charts of an experiment (null where there is nothing to draw). */
export async function experimentCharts(r: ExperimentResults, history: LiftPoint[]): Promise<ExperimentCharts> {
  return {
    lift: await liftBarsSvg(r),
    cumulativeLift: await cumulativeLiftSvg(r.experiment, history),
    exposures: await exposuresSvg(r),
  };
}
