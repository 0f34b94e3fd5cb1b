/**
 * Finding an experiment of a loaded project by name, and opening where its pipeline runs —
 * the store, or the source named by its `warehouse` — what the CLI commands and the agent share.
 */
import type { LoadedProject } from '../config/project.js';
import { connectorFor, SQL_SESSION_KINDS } from '../connectors/registry.js';
import { WharfError } from '../diagnostics/errors.js';
import { openStoreConnection } from '../store/open-store.js';
import type { StoreConnection } from '../store/types.js';
import { resolveSecret } from '../util/secrets.js';
import { storeExecutor, warehouseExecutor, type PipelineExecutor } from './executor.js';
import { ingestionsOf, resolveExperiment } from './model.js';
import type { ExperimentSource } from './pipeline-plan.js';

/** The schema (BigQuery: dataset) of a warehouse experiment's artifacts when `warehouseSchema` is not set. */
export const DEFAULT_WAREHOUSE_SCHEMA = 'wharf_experiments';

/** The named experiment of a loaded project, or an error listing the defined ones. */
export function experimentSource(project: LoadedProject, name: string): ExperimentSource {
  const found = project.experiments.get(name);
  if (!found) {
    const names = [...project.experiments.keys()];
    throw new WharfError(`There is no experiment named '${name}'.`, {
      code: 'experiment.unknown',
      errorClass: 'config',
      hint: names.length
        ? `Defined experiments: ${names.join(', ')}.`
        : 'Add a module to experiments/ (defineExperiment).',
    });
  }
  const source: ExperimentSource = { config: found.config, exposureSqlText: found.exposureSqlText };
  if (!found.config.warehouse) return source;
  const mappings = ingestionsOf(resolveExperiment(found.config, found.exposureSqlText)).flatMap((ingestion) => {
    const mapping = project.mappings.get(ingestion);
    return mapping ? [{ config: mapping.config, sqlText: mapping.sqlText }] : [];
  });
  return { ...source, warehouse: { mappings, timeZone: project.settings.timeZone } };
}

/** The project's store, where the experiment pipeline reads ingested data and writes its artifacts. */
export async function openExperimentStore(project: LoadedProject): Promise<StoreConnection> {
  return openStoreConnection(project.settings.store, project.root);
}

/**
 * Opens where the experiment's pipeline runs and its artifacts, state and job history live:
 * a SQL session on its `warehouse` source in `warehouseSchema`, or else the project's store.
 */
export async function openExperimentExecutor(
  project: LoadedProject,
  source: ExperimentSource,
): Promise<PipelineExecutor> {
  const name = source.config.warehouse;
  if (!name) return storeExecutor(await openExperimentStore(project));
  const located = project.sources.get(name);
  if (!located) {
    throw new WharfError(`Experiment '${source.config.name}': there is no source named '${name}'.`, {
      code: 'experiment.unknown-warehouse',
      errorClass: 'config',
      hint: `Defined sources: ${[...project.sources.keys()].join(', ') || 'none'}.`,
    });
  }
  const definition = await connectorFor(located.config.kind);
  if (!definition.openSqlSession) {
    throw new WharfError(
      `Experiment '${source.config.name}': the ${located.config.kind} source '${name}' cannot host the experiment pipeline.`,
      {
        code: 'experiment.warehouse-unsupported',
        errorClass: 'config',
        hint: `Use a source of kind ${SQL_SESSION_KINDS.join(', ')}, or run the experiment in the store (remove \`warehouse\`).`,
      },
    );
  }
  const context = {
    projectRoot: project.root,
    resolveSecret: (ref: { env: string }, field: string) => resolveSecret(ref, field),
  };
  const session = await definition.openSqlSession(located.config as never, context, {
    schema: source.config.warehouseSchema ?? DEFAULT_WAREHOUSE_SCHEMA,
  });
  return warehouseExecutor(session);
}
