/**
 * Rules for experiment modules that the schema cannot express: the exposure and metric
 * ingestions exist and hold the right dataset, groups are unique with exactly one control,
 * the expected split sums to 1 (or 100), dates are real and ordered, the id type is declared,
 * and metric names are unique.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { error } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import { hasSqlSession, SQL_SESSION_KINDS } from '../connectors/registry.js';
import { isIsoDate } from '../util/time.js';
import type { LoadedExperiment, LoadedProject } from './project.js';
import type { Dataset, ExperimentConfig } from './types.js';

/**
 * Diagnostics for every experiment of a loaded project. For the files in `incomplete`
 * (experiments that failed the schema) only the references to ingestions are checked.
 */
export function checkExperiments(project: LoadedProject, incomplete: ReadonlySet<string> = new Set()): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const experiment of project.experiments.values()) {
    out.push(...checkIngestionReferences(project, experiment));
    if (!incomplete.has(experiment.file)) out.push(...checkExperiment(project, experiment));
  }
  return out;
}

/** The exposure and metric ingestions exist and load the right dataset. */
function checkIngestionReferences(project: LoadedProject, experiment: LoadedExperiment): Diagnostic[] {
  const { config, file } = experiment;
  const out: Diagnostic[] = [];
  const ingestion = (name: unknown, dataset: Dataset, field: string) => {
    if (typeof name !== 'string') return;
    const mapping = project.mappings.get(name);
    if (!mapping) {
      const names = [...project.mappings.values()]
        .filter((m) => m.config.dataset === dataset)
        .map((m) => m.config.name);
      out.push(
        error('experiment.unknown-ingestion', `The ingestion '${name}' is not defined.${didYouMean(name, names)}`, {
          file,
          field,
          hint: names.length
            ? `Use one of the ${dataset} ingestions: ${names.join(', ')}.`
            : `Create a ${dataset} mapping in mappings/.`,
        }),
      );
    } else if (
      mapping.config.dataset !== dataset &&
      (mapping.config.dataset === 'events' || mapping.config.dataset === 'metrics')
    ) {
      out.push(
        error(
          'experiment.ingestion-dataset',
          `The ingestion '${name}' loads ${mapping.config.dataset}, but ${field} needs an ${dataset} ingestion.`,
          { file, field, hint: `Point ${field} at an ingestion with dataset '${dataset}'.` },
        ),
      );
    }
  };
  const exposure = config.exposure as Partial<ExperimentConfig['exposure']> | undefined;
  if (exposure?.kind === 'events') ingestion(exposure.ingestion, 'events', 'exposure.ingestion');
  const metrics: unknown[] = Array.isArray(config.metrics) ? config.metrics : [];
  metrics.forEach((metric, i) => {
    if (metric === null || typeof metric !== 'object') return;
    const m = metric as { ingestion?: unknown; source?: unknown };
    ingestion(m.ingestion, m.source === 'metrics' ? 'metrics' : 'events', `metrics[${i}].ingestion`);
  });
  return out;
}

function checkExperiment(project: LoadedProject, experiment: LoadedExperiment): Diagnostic[] {
  const { config, file } = experiment;
  const out: Diagnostic[] = [];
  out.push(
    ...checkGroups(config, file),
    ...checkDates(config, file),
    ...checkMetricNames(config, file),
    ...checkWarehouse(project, experiment),
  );
  // The longest artifact table name (framework/experiments/names.ts); config does not import the pipeline.
  const longest = `${config.name}_user_level_aggregations_for_pre_exposure_data`;
  const engine = config.warehouse ? project.sources.get(config.warehouse)?.config.kind : project.settings.store.kind;
  if (engine === 'postgres' && longest.length > 63) {
    out.push(
      error(
        'experiment.name-too-long',
        `The experiment name '${config.name}' is too long for PostgreSQL: its table ${longest} would exceed 63 characters.`,
        { file, field: 'name', hint: `Use at most ${63 - (longest.length - config.name.length)} characters.` },
      ),
    );
  }
  if (!project.settings.idTypes.includes(config.idType)) {
    out.push(
      error(
        'experiment.undeclared-id-type',
        `The id type '${config.idType}' is not declared (declared: ${project.settings.idTypes.join(', ')}; case-sensitive).`,
        {
          file,
          field: 'idType',
          hint: `Add '${config.idType}' to customIdTypes in ${project.configFile}, or fix the spelling.`,
        },
      ),
    );
  }
  return out;
}

/**
 * `warehouse` names a source that can host the pipeline, and every ingestion the experiment
 * reads queries that source (its SQL runs there); `warehouseSchema` only comes with it.
 */
function checkWarehouse(project: LoadedProject, experiment: LoadedExperiment): Diagnostic[] {
  const { config, file } = experiment;
  if (config.warehouse === undefined) {
    return config.warehouseSchema === undefined
      ? []
      : [
          error(
            'experiment.warehouse-schema-alone',
            'warehouseSchema is set, but the experiment has no warehouse: it runs in the store.',
            {
              file,
              field: 'warehouseSchema',
              hint: "Set warehouse to the source to run in (e.g. warehouse: 'prod'), or remove warehouseSchema.",
            },
          ),
        ];
  }
  const source = project.sources.get(config.warehouse);
  if (!source) {
    const names = [...project.sources.keys()];
    return [
      error(
        'experiment.unknown-warehouse',
        `The source '${config.warehouse}' is not defined.${didYouMean(config.warehouse, names)}`,
        {
          file,
          field: 'warehouse',
          hint: names.length ? `Use one of the sources: ${names.join(', ')}.` : 'Define the source in sources/.',
        },
      ),
    ];
  }
  const kind = source.config.kind;
  if (!hasSqlSession(kind)) {
    return [
      error(
        'experiment.warehouse-unsupported',
        `The source '${config.warehouse}' is a ${kind} source; the experiment pipeline cannot run in ${kind} yet.`,
        {
          file,
          field: 'warehouse',
          hint: `Supported warehouse kinds: ${SQL_SESSION_KINDS.join(', ')}. Or remove warehouse to run in the store.`,
        },
      ),
    ];
  }
  return checkWarehouseIngestions(project, experiment, config.warehouse);
}

/** Every ingestion a warehouse experiment reads queries that warehouse (its SQL runs there). */
function checkWarehouseIngestions(
  project: LoadedProject,
  experiment: LoadedExperiment,
  warehouse: string,
): Diagnostic[] {
  const { config, file } = experiment;
  const out: Diagnostic[] = [];
  const reads: [string, string][] = [];
  if (config.exposure.kind === 'events') reads.push([config.exposure.ingestion, 'exposure.ingestion']);
  config.metrics.forEach((m, i) => reads.push([m.ingestion, `metrics[${i}].ingestion`]));
  for (const [ingestion, field] of reads) {
    const mapping = project.mappings.get(ingestion);
    if (mapping && mapping.config.source !== warehouse) {
      out.push(
        error(
          'experiment.warehouse-ingestion',
          `The ingestion '${ingestion}' queries the source '${mapping.config.source}', but the experiment runs in warehouse '${warehouse}', where its SQL would run.`,
          {
            file,
            field,
            hint: `Use ingestions of the source '${warehouse}', or run the experiment in the store (remove warehouse).`,
          },
        ),
      );
    }
  }
  return out;
}

function checkGroups(config: ExperimentConfig, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  config.groups.forEach((g, i) => {
    if (seen.has(g.name))
      out.push(
        error('experiment.duplicate-group', `The group '${g.name}' is listed twice.`, {
          file,
          field: `groups[${i}].name`,
          hint: 'Give each group a unique name.',
        }),
      );
    seen.add(g.name);
  });
  const controls = config.groups.filter((g) => g.control === true).length;
  if (controls !== 1) {
    out.push(
      error('experiment.control', `Exactly one group must be the control (found ${controls}).`, {
        file,
        field: 'groups',
        hint: 'Set control: true on the control group only.',
      }),
    );
  }
  const total = config.groups.reduce((sum, g) => sum + g.split, 0);
  if (Math.abs(total - 1) > 1e-9 && Math.abs(total - 100) > 1e-7) {
    out.push(
      error(
        'experiment.split',
        `The groups' splits sum to ${total}; they must sum to 1 (fractions) or 100 (percentages).`,
        { file, field: 'groups', hint: 'e.g. two groups with split: 0.5 each, or 50 each.' },
      ),
    );
  }
  return out;
}

function checkDates(config: ExperimentConfig, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (!isIsoDate(config.startDate))
    out.push(
      error('experiment.start-date', `startDate '${config.startDate}' is not a real calendar date.`, {
        file,
        field: 'startDate',
        hint: 'Write it as YYYY-MM-DD.',
      }),
    );
  if (config.endDate !== undefined) {
    if (!isIsoDate(config.endDate))
      out.push(
        error('experiment.end-date', `endDate '${config.endDate}' is not a real calendar date.`, {
          file,
          field: 'endDate',
          hint: 'Write it as YYYY-MM-DD.',
        }),
      );
    else if (config.endDate < config.startDate)
      out.push(
        error('experiment.end-before-start', `endDate ${config.endDate} is before startDate ${config.startDate}.`, {
          file,
          field: 'endDate',
          hint: 'Swap them, or fix the end date.',
        }),
      );
  }
  return out;
}

function checkMetricNames(config: ExperimentConfig, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  config.metrics.forEach((m, i) => {
    if (seen.has(m.name))
      out.push(
        error('experiment.duplicate-metric', `The metric name '${m.name}' is used twice.`, {
          file,
          field: `metrics[${i}].name`,
          hint: 'Give each metric a unique name.',
        }),
      );
    seen.add(m.name);
  });
  return out;
}
