/**
 * Terminal rendering of an experiment's results (`ingest experiment results`) and of a run (`ingest experiment run`).
 */
import pc from 'picocolors';
import type { RunResult } from '../experiments/pipeline.js';
import type { ExperimentResults } from '../experiments/results.js';
import { fmtInterval, fmtNumber, fmtPercent, fmtPValue, pClause } from './experiment-format.js';

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i >= 2 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  '));
}

/** The terminal table of an experiment's results with its health check. */
export function renderExperimentResults(r: ExperimentResults): string {
  const srm = r.health.srm;
  const head = `${pc.bold(r.experiment)} — ${r.rollup} results, ${r.rollup === 'days_since_exposure' ? `day ${r.period} since exposure` : `through ${r.period ?? '–'}`} (α = ${r.significanceLevel}, ${r.statisticalTest === 'z' ? 'z test' : "Welch's t test"}; "significant" follows p abs.)`;
  const health = srm.mismatch
    ? pc.red(
        `✗ sample ratio mismatch: ${srm.groups.map((g) => `${g.name} ${g.units}`).join(' / ')} (${pClause(srm.pValue)})`,
      )
    : pc.green(
        `✓ sample ratio OK: ${srm.groups.map((g) => `${g.name} ${g.units}`).join(' / ')} (${pClause(srm.pValue)})`,
      );
  const rows: string[][] = [['metric', 'group', 'units', 'value', 'rel. lift', 'CI', 'p abs.', 'p rel.', '']];
  for (const m of r.metrics) {
    for (const g of m.groups) {
      const verdict = g.is_control ? 'control' : g.significant ? 'significant' : '';
      rows.push([
        m.metric,
        g.group_name,
        String(g.units),
        fmtNumber(g.mean),
        g.is_control ? '' : fmtPercent(g.rel_lift),
        g.is_control ? '' : fmtInterval(g.rel_lift_ci_lower, g.rel_lift_ci_upper, (v) => fmtPercent(v)),
        g.is_control ? '' : fmtPValue(g.p_value),
        g.is_control ? '' : fmtPValue(g.rel_p_value),
        verdict,
      ]);
    }
  }
  const flagged = r.health.flaggedUnits
    ? `\n${pc.yellow(`${r.health.flaggedUnits} unit(s) exposed to more than one group were excluded.`)}`
    : '';
  return [head, health + flagged, '', ...table(rows)].join('\n');
}

/** One run: the refresh carried out and each step's duration and rows. */
export function renderRunResult(run: RunResult): string {
  const range = run.from ? `${run.from} → ${run.to}` : 'nothing new';
  const where =
    run.location?.kind === 'warehouse'
      ? ` in warehouse '${run.location.source}' (${run.location.sourceKind}), schema ${run.location.schema}`
      : '';
  const lines = [
    `${pc.green('✓')} ${run.experiment}: ${run.refresh} refresh (${range}; data through ${run.through})${where}`,
  ];
  if (run.note) lines.push(`  ${pc.dim(run.note)}`);
  for (const s of run.steps)
    lines.push(
      `  ${s.step.padEnd(46)} ${String(s.durationMs).padStart(7)} ms  ${s.rows === null ? '' : `${s.rows} rows`}`,
    );
  return lines.join('\n');
}
