import pc from 'picocolors';
import type { LoadedProject } from '../config/project.js';
import { plural } from '../util/plural.js';

/**
 * What `ingest validate` found in a valid project: one line per module kind, then whether
 * the queries were checked (without --queries it runs none, so a column the SQL does not
 * return shows up at load time).
 */
export function summarizeProject(project: LoadedProject, { queriesChecked = false } = {}): string {
  const experiments = project.experiments.size ? `, ${plural(project.experiments.size, 'experiment')}` : '';
  const n = project.mappings.size;
  const queries = queriesChecked
    ? `  ${n} ${n === 1 ? 'query' : 'queries'} described by ${n === 1 ? 'its source' : 'their sources'}: every mapped column is there.`
    : '  No query was run: `ingest validate --queries` describes each on its source, `ingest sample <mapping>` runs one.';
  return [
    `${pc.green('✓')} ${project.settings.name}: configuration is valid`,
    `  ${plural(project.sources.size, 'source')}, ${plural(project.mappings.size, 'mapping')}, ${plural(project.schedules.size, 'schedule')}${experiments}`,
    queries,
  ].join('\n');
}
