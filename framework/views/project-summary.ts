import pc from 'picocolors';
import type { LoadedProject } from '../config/project.js';

/** One line per module kind: what `ingest validate` found in a valid project. */
export function summarizeProject(project: LoadedProject): string {
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  return [
    `${pc.green('✓')} ${project.settings.name}: configuration is valid`,
    `  ${count(project.sources.size, 'source')}, ${count(project.mappings.size, 'mapping')}, ${count(project.schedules.size, 'schedule')}${project.experiments.size ? `, ${count(project.experiments.size, 'experiment')}` : ''}`,
  ].join('\n');
}
