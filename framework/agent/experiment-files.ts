/**
 * An experiment's report with its charts, as files of the status folder:
 * `experiments/<name>.md` and `experiments/<name>.<chart>.svg` beside it. Read from the
 * experiment's artifact tables; an experiment that has never run has no files.
 */
import { experimentCharts } from '../charts/experiment.js';
import type { LiftPoint } from '../experiments/lift-history.js';
import type { ExperimentResults } from '../experiments/results.js';
import { renderExperimentReport, type ReportCharts } from '../views/experiment-report.js';

const CHART_FILES = { lift: 'lift', cumulativeLift: 'cumulative-lift', exposures: 'exposures' } as const;

/**
 * The report and chart files of one experiment's results, by path: `<dir>/<base>.md` and
 * `<dir>/<base>.<chart>.svg`, the report linking the charts beside it.
 */
export async function experimentFiles(
  results: ExperimentResults,
  history: LiftPoint[],
  dir = 'experiments',
  base = results.experiment,
): Promise<Map<string, string>> {
  const charts = await experimentCharts(results, history);
  const files = new Map<string, string>();
  const links: ReportCharts = {};
  for (const [key, suffix] of Object.entries(CHART_FILES) as [keyof ReportCharts, string][]) {
    const svg = charts[key];
    if (!svg) continue;
    const name = `${base}.${suffix}.svg`;
    files.set(`${dir}/${name}`, svg);
    links[key] = name;
  }
  files.set(`${dir}/${base}.md`, renderExperimentReport(results, links));
  return files;
}
