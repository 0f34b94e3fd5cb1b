/**
 * An experiment's job history as `ingest experiment history` prints it and as the report's
 * "Jobs" section shows the last run: per step, the statements it ran with the engine's query
 * or job ids, duration, rows written, and bytes scanned and billed where the engine reports
 * them. Pure functions of the history rows.
 */
import pc from 'picocolors';
import type { PipelineJob } from '../experiments/executor.js';
import type { JobRun, JobStep } from '../experiments/job-history.js';

/** Totals of a set of jobs: null where no job reported the figure. */
export function jobTotals(jobs: PipelineJob[]): {
  statements: number;
  rows: number | null;
  bytesScanned: number | null;
  bytesBilled: number | null;
} {
  const sum = (field: 'rows' | 'bytesScanned' | 'bytesBilled') => {
    const known = jobs.map((j) => j[field]).filter((v): v is number => v !== null);
    return known.length ? known.reduce((a, b) => a + b, 0) : null;
  };
  return {
    statements: jobs.length,
    rows: sum('rows'),
    bytesScanned: sum('bytesScanned'),
    bytesBilled: sum('bytesBilled'),
  };
}

/** Bytes as B, KB, MB, GB (powers of 1024), or "not reported". */
export function fmtBytes(v: number | null): string {
  if (v === null) return 'not reported';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let x = v;
  let i = 0;
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i += 1;
  }
  return i === 0 ? `${x} B` : `${x.toFixed(1)} ${units[i]}`;
}

const runDuration = (run: JobRun) => run.steps.reduce((s, x) => s + x.durationMs, 0);
const ids = (jobs: PipelineJob[]) => jobs.map((j) => j.queryId).filter((id): id is string => id !== null);

/** The report's Markdown table of a run's jobs per step. */
export function jobsMarkdown(run: JobRun): string[] {
  const all = run.steps.flatMap((s) => s.jobs ?? []);
  const t = jobTotals(all);
  const lines = [
    '## Jobs',
    '',
    `Run \`${run.runId}\`: ${t.statements} statements in ${runDuration(run)} ms; rows written ${t.rows ?? 'not reported'}; bytes scanned ${fmtBytes(t.bytesScanned)}; bytes billed ${fmtBytes(t.bytesBilled)}.`,
    '',
    '| Step | Statements | Query ids | Rows written | Bytes scanned | Bytes billed |',
    '|---|---:|---|---:|---:|---:|',
  ];
  for (const s of run.steps) {
    const jobs = s.jobs ?? [];
    const st = jobTotals(jobs);
    const shown = ids(jobs);
    const idText =
      shown.length === 0
        ? 'not reported'
        : shown.length <= 3
          ? shown.map((id) => `\`${id}\``).join(', ')
          : `${shown
              .slice(0, 2)
              .map((id) => `\`${id}\``)
              .join(', ')} … \`${shown[shown.length - 1]}\` (${shown.length})`;
    lines.push(
      `| ${s.step} | ${st.statements} | ${idText} | ${st.rows ?? '–'} | ${fmtBytes(st.bytesScanned)} | ${fmtBytes(st.bytesBilled)} |`,
    );
  }
  return lines;
}

function stepLines(s: JobStep, verbose: boolean): string[] {
  const jobs = s.jobs ?? [];
  const t = jobTotals(jobs);
  const status = s.status === 'failed' ? pc.red('failed') : pc.green('ok');
  const lines = [
    `  ${status} ${s.step.padEnd(46)} ${String(s.durationMs).padStart(7)} ms  ${t.statements} stmt  rows ${t.rows ?? '–'}  scanned ${fmtBytes(t.bytesScanned)}  billed ${fmtBytes(t.bytesBilled)}`,
  ];
  if (s.error) lines.push(`      ${pc.red(s.error.split('\n')[0])}`);
  if (verbose)
    for (const j of jobs)
      lines.push(
        pc.dim(
          `      ${(j.queryId ?? '–').padEnd(24)} ${String(j.durationMs).padStart(7)} ms  rows ${j.rows ?? '–'}  ${j.statement}`,
        ),
      );
  return lines;
}

/** The runs, newest first, as text. */
export function renderJobHistory(experiment: string, where: string, runs: JobRun[], verbose = false): string {
  if (runs.length === 0) return `${experiment}: no runs recorded in ${where}.`;
  const out = [`${experiment}: ${runs.length} most recent run(s), recorded in ${where}`];
  for (const run of runs) {
    const t = jobTotals(run.steps.flatMap((s) => s.jobs ?? []));
    const failed = run.steps.some((s) => s.status === 'failed');
    const started = run.steps[0]?.startedAt;
    out.push(
      '',
      `${failed ? pc.red('✗') : pc.green('✓')} run ${run.runId}  ${run.refresh}  ${started instanceof Date ? started.toISOString() : String(started ?? '')}  ${runDuration(run)} ms  ${t.statements} statements  rows written ${t.rows ?? '–'}  scanned ${fmtBytes(t.bytesScanned)}  billed ${fmtBytes(t.bytesBilled)}`,
    );
    for (const s of run.steps) out.push(...stepLines(s, verbose));
  }
  return out.join('\n');
}
