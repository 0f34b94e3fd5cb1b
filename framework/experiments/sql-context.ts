/**
 * What every SQL builder of the pipeline needs: the resolved experiment, the dialect and the
 * artifact table names, plus small helpers for literals. Builders return SQL text; only the
 * pipeline runs it.
 */
import type { ExperimentDialect } from './dialect.js';
import { ident, literal } from './dialect.js';
import type { ResolvedExperiment } from './model.js';
import { artifactNames, type ArtifactNames } from './names.js';
import { STORE_INPUTS, type PipelineInputs } from './warehouse-inputs.js';

/** The inputs every SQL builder shares. */
export interface SqlContext {
  experiment: ResolvedExperiment;
  dialect: ExperimentDialect;
  tables: ArtifactNames;
  /** The `events` and `metrics` relations read: the store's tables, or the ingestions' SQL in a warehouse. */
  inputs: PipelineInputs;
}

/** Builds the SQL context of an experiment on a dialect. */
export function sqlContext(experiment: ResolvedExperiment, dialect: ExperimentDialect, inputs: PipelineInputs = STORE_INPUTS): SqlContext {
  return { experiment, dialect, tables: artifactNames(experiment.name), inputs };
}

/** A DATE literal from an ISO day (already validated). */
export function dateLit(day: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`not an ISO day: ${day}`);
  return `DATE '${day}'`;
}

/** The unit id of an `events` row (alias `e`) for the experiment's id type. */
export function eventUnit(ctx: SqlContext): string {
  return ctx.experiment.idType === 'user_id' ? 'e.user_id' : ctx.dialect.jsonText('e.custom_ids', ctx.experiment.idType);
}

/** `(VALUES ('a'), ('b')) AS m(metric_name)`: the metric names as a relation. */
export function metricNames(names: string[]): string {
  return `(VALUES ${names.map((n) => `(${literal(n)})`).join(', ')}) AS mn(metric_name)`;
}

export { ident, literal };
