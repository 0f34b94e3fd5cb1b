/** `ingest sample`: the mapped sample rows, then every problem found, grouped by target column. */
import pc from 'picocolors';
import type { SampleResult } from '../engine/sample.js';

export function renderSample(s: SampleResult): string {
  const lines = [
    pc.bold(`${s.mapping}: ${s.rows.length} sample rows`),
    `  query columns: ${s.columns.map((c) => `${c.name} (${c.type})`).join(', ')}`,
    '',
  ];
  for (const r of s.rows) {
    if (r.mapped) lines.push(`  #${r.index} ${JSON.stringify(r.mapped)}`);
    else if (r.problems.length)
      lines.push(`  #${r.index} ${pc.red('rejected')} ${r.problems.map((p) => p.rule).join(', ')}`);
    else lines.push(`  #${r.index} ${pc.dim('duplicate timeuuid, dropped')}`);
  }
  const columns = Object.entries(s.problems);
  lines.push('');
  if (columns.length === 0) lines.push(pc.green('No problems found in the sample.'));
  for (const [column, problems] of columns) {
    lines.push(`${pc.yellow(column)}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
    for (const p of problems) lines.push(`  row #${p.index} ${p.rule}: ${p.reason}`);
  }
  return lines.join('\n');
}
