/**
 * The charts against reviewed golden files (same data, same bytes), plus checks that do not
 * depend on the goldens: every day and marker has its hover title with the figures written out
 * by hand here, the text alternative counts days by status, and nothing is fetched.
 * WHARF_UPDATE_GOLDEN=1 rewrites the goldens (then review them in a browser).
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'node-html-parser';
import { describe, expect, it } from 'vitest';
import type { ExperimentResults } from '../experiments/results.js';
import type { LiftPoint } from '../experiments/lift-history.js';
import type { ResultRow } from '../experiments/results-table.js';
import { renderStatus } from '../status/render.js';
import { renderStatusWithCharts } from '../status/charts.js';
import type { StatusInput } from '../status/types.js';
import type { LedgerEntry } from '../store/types.js';
import { experimentFiles } from '../agent/experiment-files.js';
import { calendarStripSvg } from './calendar.js';
import { renderChart } from './svg.js';
import { ingestionStatus } from '../status/status-day.js';

const GOLDEN = join(import.meta.dirname, 'golden');
const UPDATE = process.env.WHARF_UPDATE_GOLDEN === '1';

function golden(name: string, text: string): void {
  if (UPDATE) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(join(GOLDEN, name), text);
  }
  expect(text, name).toBe(readFileSync(join(GOLDEN, name), 'utf8'));
}

function entry(date: string, over: Partial<LedgerEntry> = {}): LedgerEntry {
  const startedAt = new Date(`${date}T09:00:00Z`);
  return {
    ingestion: 'app_events',
    date,
    status: 'succeeded',
    errorClass: null,
    errorMessage: null,
    errorHint: null,
    rowsLoaded: 1200,
    rowsRejected: 3,
    rejectReasons: {},
    duplicates: 0,
    sourceRowCount: 1203,
    sourceFingerprint: 'f',
    configHash: 'h',
    commitSha: 'abc1234',
    trigger: 'schedule',
    startedAt,
    finishedAt: new Date(startedAt.getTime() + 2000),
    firstLoadedAt: startedAt,
    loadId: `l-${date}`,
    ...over,
  };
}

/** app_events: 2024-02-01..2024-03-10 with a no-data day, a recheck reload, a failure and a gap. */
function ledger(): LedgerEntry[] {
  const days: LedgerEntry[] = [];
  for (
    let d = new Date('2024-02-01T00:00:00Z');
    d <= new Date('2024-03-10T00:00:00Z');
    d = new Date(d.getTime() + 86_400_000)
  ) {
    const date = d.toISOString().slice(0, 10);
    if (date === '2024-02-20') continue; // never loaded
    if (date === '2024-02-11')
      days.push(entry(date, { status: 'no_data', rowsLoaded: 0, rowsRejected: 0, sourceRowCount: 0 }));
    else if (date === '2024-03-02') days.push(entry(date, { trigger: 'recheck', rowsLoaded: 1350 }));
    else if (date === '2024-03-09')
      days.push(
        entry(date, {
          status: 'failed',
          errorClass: 'query',
          errorMessage: 'relation "events_<v2>" does not exist',
          rowsLoaded: 0,
          rowsRejected: 0,
        }),
      );
    else days.push(entry(date));
  }
  return days;
}

const input = (): StatusInput => ({
  ingestions: [
    { name: 'app_events', dataset: 'events', schedule: 'daily_pst' },
    { name: 'fresh', dataset: 'metrics', schedule: 'api' },
  ],
  ledger: ledger(),
});

const titles = (svg: string) =>
  parse(svg)
    .querySelectorAll('path > title')
    .map((t) => t.text);

describe('calendar strip', () => {
  it('matches its golden, and is the same bytes when rendered again in the same process', async () => {
    const file = ingestionStatus({ name: 'app_events', dataset: 'events', schedule: 'daily_pst' }, ledger());
    const svg = (await calendarStripSvg(file))!;
    golden('calendar.svg', svg);
    expect(await calendarStripSvg(file)).toBe(svg);
  });

  it('has 90 day cells ending at the newest ledger day, each with its figures as hover text', async () => {
    const svg = (await calendarStripSvg(
      ingestionStatus({ name: 'app_events', dataset: 'events', schedule: 'x' }, ledger()),
    ))!;
    const cells = titles(svg);
    expect(cells).toHaveLength(90);
    expect(cells[0]).toBe('2023-12-12: not loaded');
    expect(cells[89]).toBe('2024-03-10: succeeded, 1,200 rows loaded, 3 rejected');
    expect(cells).toContain('2024-02-11: no data, 0 rows loaded, 0 rejected');
    expect(cells).toContain('2024-02-20: not loaded');
    expect(cells).toContain('2024-03-02: reloaded after recheck, 1,350 rows loaded, 3 rejected');
    expect(cells).toContain(
      '2024-03-09: failed, 0 rows loaded, 0 rejected; query: relation "events_<v2>" does not exist',
    );
    const root = parse(svg).querySelector('svg')!;
    expect(root.getAttribute('role')).toBe('img');
    expect(root.querySelector('title')!.text).toBe('app_events: load status of the last 90 days');
    // Feb 1..Mar 10 2024 is 29 + 10 = 39 days, one never loaded: 35 succeeded, 1 reloaded, 1 no data, 1 failed; 52
    // not loaded.
    expect(root.querySelector('desc')!.text).toBe(
      'Load status of app_events for each of the 90 days from 2023-12-12 to 2024-03-10: 35 succeeded, 1 reloaded after a recheck, 1 had no data, 1 failed, 52 not loaded.',
    );
    expect(svg).toContain('prefers-color-scheme: dark');
    expect(svg).not.toMatch(/<rect[^>]*class="background"[^>]*fill=/);
  });
});

describe('status report with charts', () => {
  it('links each ingestion page to its strip and adds the strips; an ingestion without days has none', async () => {
    const files = await renderStatusWithCharts(input());
    const plain = renderStatus(input());
    expect([...files.keys()].sort()).toEqual([...plain.keys(), 'charts/app_events.svg'].sort());
    expect(files.get('app_events.md')).toContain('](charts/app_events.svg)');
    expect(files.get('fresh.md')).toBe(plain.get('fresh.md'));
    golden('status-app_events.md', files.get('app_events.md')!);
    expect(files.get('charts/app_events.svg')).toBe(readFileSync(join(GOLDEN, 'calendar.svg'), 'utf8'));
  });
});

function row(metric: string, group: string, over: Partial<ResultRow> = {}): ResultRow {
  const control = group === 'control';
  return {
    period: '2024-03-10',
    metric_name: metric,
    metric_kind: 'sum',
    group_name: group,
    is_control: control,
    units: 1000,
    mean: 2.5,
    raw_mean: 2.5,
    variance: 1,
    std_error: 0.05,
    control_mean: control ? null : 2.4,
    abs_lift: null,
    abs_lift_ci_lower: null,
    abs_lift_ci_upper: null,
    rel_lift: null,
    rel_lift_ci_lower: null,
    rel_lift_ci_upper: null,
    p_value: null,
    rel_p_value: null,
    significant: null,
    degrees_of_freedom: null,
    cuped_theta: null,
    winsorize_upper_cap: null,
    winsorize_lower_cap: null,
    ...over,
  };
}

function experiment(): { results: ExperimentResults; history: LiftPoint[] } {
  const lift = (rel: number, lo: number, hi: number, p: number, significant: boolean) => ({
    abs_lift: rel * 2.4,
    abs_lift_ci_lower: lo * 2.4,
    abs_lift_ci_upper: hi * 2.4,
    rel_lift: rel,
    rel_lift_ci_lower: lo,
    rel_lift_ci_upper: hi,
    p_value: p,
    rel_p_value: p,
    significant,
  });
  const exposures = [];
  const history: LiftPoint[] = [];
  for (let d = 1; d <= 10; d++) {
    const day = `2024-03-${String(d).padStart(2, '0')}`;
    exposures.push(
      { day, group_name: 'control', units: 100, flagged_units: 0, cumulative_units: 100 * d },
      { day, group_name: 'treatment', units: 98, flagged_units: 0, cumulative_units: 98 * d },
    );
    history.push({
      day,
      metric: 'purchases',
      group: 'treatment',
      relLift: 0.08 + 0.1 / d,
      lower: 0.08 - 0.2 / d,
      upper: 0.08 + 0.4 / d,
      significant: d > 4,
    });
  }
  const results: ExperimentResults = {
    experiment: 'checkout_button',
    control: 'control',
    significanceLevel: 0.05,
    statisticalTest: 't',
    rollup: 'cumulative',
    period: '2024-03-10',
    through: '2024-03-10',
    metrics: [
      {
        metric: 'purchases',
        kind: 'sum',
        groups: [row('purchases', 'control'), row('purchases', 'treatment', lift(0.081, 0.03, 0.13, 0.002, true))],
      },
      {
        metric: 'revenue',
        kind: 'sum',
        groups: [row('revenue', 'control'), row('revenue', 'treatment', lift(0.02, -0.03, 0.07, 0.41, false))],
      },
      {
        metric: 'bounce_rate',
        kind: 'ratio',
        groups: [row('bounce_rate', 'control'), row('bounce_rate', 'treatment', lift(-0.06, -0.1, -0.02, 0.004, true))],
      },
    ],
    health: {
      srm: {
        groups: [
          { name: 'control', units: 1000, observedShare: 0.505, expectedShare: 0.5 },
          { name: 'treatment', units: 980, observedShare: 0.495, expectedShare: 0.5 },
        ],
        total: 1980,
        chiSquared: 0.2,
        degreesOfFreedom: 1,
        pValue: 0.65,
        threshold: 0.001,
        mismatch: false,
      } as unknown as ExperimentResults['health']['srm'],
      flaggedUnits: 0,
      exposures,
    },
    lastRun: null,
  };
  return { results, history };
}

describe('experiment charts', () => {
  it('match their goldens and the report links them', async () => {
    const { results, history } = experiment();
    const files = await experimentFiles(results, history);
    expect([...files.keys()].sort()).toEqual([
      'experiments/checkout_button.cumulative-lift.svg',
      'experiments/checkout_button.exposures.svg',
      'experiments/checkout_button.lift.svg',
      'experiments/checkout_button.md',
    ]);
    for (const [path, text] of files) golden(path.replace('experiments/', ''), text);
    expect(files.get('experiments/checkout_button.md')).toContain('](checkout_button.lift.svg)');
    expect(await experimentFiles(results, history)).toEqual(files);
  });

  // The agent may run anywhere: a day must be labelled as that day whatever the host's zone.
  it.each(['America/New_York', 'Asia/Tokyo'])('are the same bytes on a host in %s', async (zone) => {
    const { results, history } = experiment();
    const inUtc = await experimentFiles(results, history);
    const saved = process.env.TZ;
    process.env.TZ = zone;
    try {
      expect(new Date(Date.UTC(2024, 2, 1)).getTimezoneOffset(), 'the zone took effect').not.toBe(0);
      expect(await experimentFiles(results, history)).toEqual(inUtc);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('marks each metric’s lift and interval in words, significant ones named', async () => {
    const { results, history } = experiment();
    const lift = (await experimentFiles(results, history)).get('experiments/checkout_button.lift.svg')!;
    expect(titles(lift)).toEqual([
      '+8.10% [+3.00%, +13.00%] ▲ significant',
      '+2.00% [-3.00%, +7.00%] not significant',
      '-6.00% [-10.00%, -2.00%] ▼ significant',
    ]);
    expect(parse(lift).querySelector('desc')!.text).toContain('Significant: purchases +8.10%, bounce_rate -6.00%.');
    // The labels beside the markers carry the same words (not colour alone).
    expect(
      parse(lift)
        .querySelectorAll('text')
        .map((t) => t.text),
    ).toContain('-6.00% [-10.00%, -2.00%] ▼ significant');
    const cumulative = (await experimentFiles(results, history)).get(
      'experiments/checkout_button.cumulative-lift.svg',
    )!;
    expect(titles(cumulative)).toHaveLength(10);
    expect(titles(cumulative)[9]).toBe('purchases, treatment, day 9 (2024-03-10): +9.00% [+6.00%, +12.00%]');
    const exposures = (await experimentFiles(results, history)).get('experiments/checkout_button.exposures.svg')!;
    expect(parse(exposures).querySelector('desc')!.text).toBe(
      'Cumulative units exposed per group by day through 2024-03-10: control 1,000, treatment 980.',
    );
    expect(
      parse(exposures)
        .querySelectorAll('text')
        .map((t) => t.text),
    ).toEqual(expect.arrayContaining(['group', 'control', 'treatment']));
  });
});

describe('renderChart', () => {
  it('refuses to load data from a URL', async () => {
    await expect(
      renderChart({ data: { url: 'http://127.0.0.1:9/x.json' }, mark: 'point' }, { title: 't', desc: 'd' }),
    ).rejects.toThrow(/never load/);
  });
});

it('has no stray goldens', () => {
  expect(readdirSync(GOLDEN).sort()).toEqual([
    'calendar.svg',
    'checkout_button.cumulative-lift.svg',
    'checkout_button.exposures.svg',
    'checkout_button.lift.svg',
    'checkout_button.md',
    'status-app_events.md',
  ]);
});
