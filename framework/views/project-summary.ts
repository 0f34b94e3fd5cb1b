import pc from 'picocolors';
import type { LoadedProject } from '../config/project.js';
import { plural } from '../util/plural.js';

/**
 * What `ingest validate` found in a valid project: one line per module kind, then what it did
 * not check (it runs no query, so a column the SQL does not return shows up at load time).
 */
export function summarizeProject(project: LoadedProject): string {
  const experiments = project.experiments.size ? `, ${plural(project.experiments.size, 'experiment')}` : '';
  return [
    `${pc.green('✓')} ${project.settings.name}: configuration is valid`,
    `  ${plural(project.sources.size, 'source')}, ${plural(project.mappings.size, 'mapping')}, ${plural(project.schedules.size, 'schedule')}${experiments}`,
    `  No query was run: \`ingest sample <mapping>\` runs one against its source and checks the columns it maps.`,
  ].join('\n');
}
