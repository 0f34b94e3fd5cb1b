/**
 * Finding an experiment of a loaded project by name, and opening the store the pipeline runs
 * in: what the CLI commands and the agent share.
 */
import type { LoadedProject } from '../config/project.js';
import { WharfError } from '../diagnostics/errors.js';
import { openStoreConnection } from '../store/open-store.js';
import type { StoreConnection } from '../store/types.js';
import type { ExperimentSource } from './pipeline-plan.js';

/** The named experiment of a loaded project, or an error listing the defined ones. */
export function experimentSource(project: LoadedProject, name: string): ExperimentSource {
  const found = project.experiments.get(name);
  if (!found) {
    const names = [...project.experiments.keys()];
    throw new WharfError(`There is no experiment named '${name}'.`, {
      code: 'experiment.unknown',
      errorClass: 'config',
      hint: names.length ? `Defined experiments: ${names.join(', ')}.` : 'Add a module to experiments/ (defineExperiment).',
    });
  }
  return { config: found.config, exposureSqlText: found.exposureSqlText };
}

/** The project's store, where the experiment pipeline reads ingested data and writes its artifacts. */
export async function openExperimentStore(project: LoadedProject): Promise<StoreConnection> {
  return openStoreConnection(project.settings.store, project.root);
}
