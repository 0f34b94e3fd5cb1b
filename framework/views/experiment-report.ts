/**
 * The Markdown report of one experiment, committed by the agent into
 * `status/experiments/<name>.md` and written by `ingest experiment report`: the health check,
 * the latest results per metric with lifts, intervals and p-values, exposures per group and
 * the last run's job history. A pure function of the results data.
 */
import type { ExperimentResults } from '../experiments/results.js';
import { fmtInterval, fmtNumber, fmtPercent, fmtPValue, pClause } from './experiment-format.js';
import { jobsMarkdown } from './experiment-history.js';

const pct = (v: number | null) => fmtPercent(v);

function health(r: ExperimentResults): string[] {
  const srm = r.health.srm;
  const verdict = srm.mismatch
    ? `**Sample ratio mismatch** (${pClause(srm.pValue)}, below the ${srm.threshold} threshold)`
    : `OK (${pClause(srm.pValue)})`;
  const lines = [
    '## Health checks',
    '',
    `- Sample ratio: ${verdict}, χ² = ${fmtNumber(srm.chiSquared)} with ${srm.degreesOfFreedom} degree${srm.degreesOfFreedom === 1 ? '' : 's'} of freedom.`,
  ];
  for (const g of srm.groups)
    lines.push(
      `  - ${g.name}: ${g.units} units (${fmtPercent(g.observedShare, false)}; expected ${fmtPercent(g.expectedShare, false)})`,
    );
  lines.push(`- Units exposed to more than one group (excluded): ${r.health.flaggedUnits}`);
  return lines;
}

/** The test against the control, as the report names it. */
export function testName(r: ExperimentResults): string {
  return r.statisticalTest === 'z' ? 'z test' : "Welch's t test";
}

function results(r: ExperimentResults): string[] {
  const lines = [
    `## Results (${r.rollup.replace(/_/g, ' ')}, ${r.rollup === 'days_since_exposure' ? `day ${r.period} since exposure` : `through ${r.period ?? '–'}`})`,
    '',
  ];
  lines.push(
    `Significance level ${r.significanceLevel}; control: \`${r.control}\`; ${testName(r)}. Intervals are ${((1 - r.significanceLevel) * 100).toFixed(0)}% confidence intervals.`,
    '',
  );
  lines.push(
    '"significant" follows the p-value of the absolute lift (p abs.); the relative interval is the delta method\'s, with its own p-value (p rel.), so near the threshold the two can disagree.',
    '',
  );
  lines.push(
    '| Metric | Group | Units | Value | Abs. lift | Abs. CI | Rel. lift | Rel. CI | p abs. | p rel. | |',
    '|---|---|---:|---:|---:|---|---:|---|---:|---:|---|',
  );
  for (const m of r.metrics) {
    for (const g of m.groups) {
      const flag = g.is_control
        ? 'control'
        : g.significant
          ? Number(g.abs_lift) > 0
            ? '▲ significant'
            : '▼ significant'
          : 'not significant';
      const notes = [
        g.cuped_theta !== null && g.cuped_theta !== undefined ? 'CUPED' : '',
        g.winsorize_upper_cap !== null && g.winsorize_upper_cap !== undefined
          ? `capped at ${fmtNumber(g.winsorize_upper_cap)}`
          : '',
      ]
        .filter(Boolean)
        .join(', ');
      lines.push(
        `| ${m.metric} (${m.kind}${notes ? `; ${notes}` : ''}) | ${g.group_name} | ${g.units} | ${fmtNumber(g.mean)} | ${g.is_control ? '' : fmtNumber(g.abs_lift)} | ${g.is_control ? '' : fmtInterval(g.abs_lift_ci_lower, g.abs_lift_ci_upper, fmtNumber)} | ${g.is_control ? '' : pct(g.rel_lift)} | ${g.is_control ? '' : fmtInterval(g.rel_lift_ci_lower, g.rel_lift_ci_upper, pct)} | ${g.is_control ? '' : fmtPValue(g.p_value)} | ${g.is_control ? '' : fmtPValue(g.rel_p_value)} | ${flag} |`,
      );
    }
  }
  return lines;
}

function lastRun(r: ExperimentResults): string[] {
  if (!r.lastRun) return [];
  const lines = [
    '## Last run',
    '',
    `Run \`${r.lastRun.runId}\`: ${r.lastRun.refresh} refresh.`,
    '',
    '| Step | Duration | Rows | Bytes scanned | Status |',
    '|---|---:|---:|---:|---|',
  ];
  for (const s of r.lastRun.steps)
    lines.push(
      `| ${s.step} | ${s.durationMs} ms | ${s.rows ?? '–'} | ${s.bytesScanned ?? 'not reported'} | ${s.status} |`,
    );
  if (r.lastRun.steps.some((s) => s.jobs?.length)) lines.push('', ...jobsMarkdown(r.lastRun));
  return lines;
}

/** Chart files next to the report (paths relative to it), when rendered. */
export interface ReportCharts {
  lift?: string;
  cumulativeLift?: string;
  exposures?: string;
}

function chartLines(r: ExperimentResults, charts: ReportCharts | undefined): string[] {
  if (!charts) return [];
  const lines: string[] = [];
  if (charts.lift)
    lines.push(
      `![Relative lift per metric of ${r.experiment} with confidence intervals; significant ones filled and marked ▲ or ▼](${charts.lift})`,
      '',
    );
  if (charts.cumulativeLift)
    lines.push(
      `![Cumulative relative lift of ${r.experiment} by days since the first day, with its interval](${charts.cumulativeLift})`,
      '',
    );
  if (charts.exposures) lines.push(`![Units exposed per group of ${r.experiment} over time](${charts.exposures})`, '');
  return lines.length ? ['## Charts', '', ...lines] : [];
}

/** The Markdown report of an experiment's results. */
export function renderExperimentReport(r: ExperimentResults, charts?: ReportCharts): string {
  const totals = r.health.srm.groups.map((g) => `${g.name} ${g.units}`).join(', ');
  return [
    `# Experiment \`${r.experiment}\``,
    '',
    `Data through ${r.through ?? '–'}. Exposed units: ${r.health.srm.total} (${totals}).`,
    '',
    ...health(r),
    '',
    ...results(r),
    '',
    ...chartLines(r, charts),
    ...lastRun(r),
    '',
    `Artifact tables: \`${r.experiment}_first_exposures\`, \`${r.experiment}_exposures_summary\`, \`${r.experiment}_user_level_aggregations\`, \`${r.experiment}_results_<daily|days_since_exposure|cumulative|7day>\` and the others listed in docs/experiments.md.`,
    '',
  ].join('\n');
}
