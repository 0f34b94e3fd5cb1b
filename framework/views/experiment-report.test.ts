import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ResultRow } from '../experiments/results-table.js';
import type { ExperimentResults } from '../experiments/results.js';
import { sampleRatioMismatch } from '../experiments/srm.js';
import { renderExperimentReport } from './experiment-report.js';

const GOLDEN = new URL('./testdata/experiment-report.golden.md', import.meta.url);

function row(over: Partial<ResultRow>): ResultRow {
  return {
    period: '2026-12-31',
    metric_name: 'revenue',
    metric_kind: 'mean',
    group_name: 'control',
    is_control: true,
    units: 1000,
    mean: 20,
    raw_mean: 20,
    variance: 4,
    std_error: 0.0632,
    control_mean: 20,
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

const results: ExperimentResults = {
  experiment: 'checkout_button',
  control: 'control',
  significanceLevel: 0.05,
  statisticalTest: 't',
  rollup: 'cumulative',
  period: '2026-12-31',
  through: '2026-12-31',
  metrics: [
    {
      metric: 'revenue',
      kind: 'mean',
      groups: [
        row({}),
        row({
          group_name: 'test',
          is_control: false,
          mean: 21.6,
          abs_lift: 1.6,
          abs_lift_ci_lower: 1.5,
          abs_lift_ci_upper: 1.7,
          rel_lift: 0.08,
          rel_lift_ci_lower: 0.075,
          rel_lift_ci_upper: 0.085,
          p_value: 1e-30,
          rel_p_value: 2e-29,
          significant: true,
        }),
      ],
    },
    {
      metric: 'revenue_total',
      kind: 'sum',
      groups: [
        row({
          metric_name: 'revenue_total',
          metric_kind: 'sum',
          mean: 1200,
          cuped_theta: 0.4,
          winsorize_upper_cap: 2500,
        }),
        row({
          metric_name: 'revenue_total',
          metric_kind: 'sum',
          group_name: 'test',
          is_control: false,
          mean: 1190,
          cuped_theta: 0.4,
          winsorize_upper_cap: 2500,
          abs_lift: -10,
          abs_lift_ci_lower: -30,
          abs_lift_ci_upper: 10,
          rel_lift: -0.00833,
          rel_lift_ci_lower: -0.025,
          rel_lift_ci_upper: 0.0083,
          p_value: 0.3312,
          rel_p_value: 0.3315,
          significant: false,
        }),
      ],
    },
  ],
  health: {
    srm: sampleRatioMismatch({ control: 4500, test: 5500 }, [
      { name: 'control', split: 0.5 },
      { name: 'test', split: 0.5 },
    ]),
    flaggedUnits: 3,
    exposures: [],
  },
  lastRun: {
    runId: 'run-1',
    experiment: 'checkout_button',
    refresh: 'incremental',
    steps: [
      {
        step: 'first exposures',
        startedAt: new Date('2026-12-31T00:00:00Z'),
        durationMs: 12,
        rows: 40,
        bytesScanned: null,
        status: 'succeeded',
        error: null,
      },
    ],
  },
};

describe('renderExperimentReport', () => {
  it('matches the golden report (WHARF_UPDATE_GOLDEN=1 rewrites it)', () => {
    const markdown = renderExperimentReport(results);
    if (process.env.WHARF_UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, markdown);
    expect(markdown).toBe(readFileSync(GOLDEN, 'utf8'));
    expect(markdown).toContain('**Sample ratio mismatch**');
  });
});
