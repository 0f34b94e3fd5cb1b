/**
 * Which experiments a configuration change forces to refresh, and how: a pure function of
 * the old and new experiment configs, for `ingest plan` to show and for the pipeline to
 * check that an incremental or metric refresh still matches the config.
 *
 * - a new experiment, or a change to its exposure, id type, groups, dates, CUPED or
 *   significance level or statistical test, or a reload of an ingestion it reads → full refresh;
 * - metrics added, changed or removed (only) → metric refresh of those metrics;
 * - description or owner only → nothing.
 */
import type { ExperimentConfig, ExperimentMetric } from '../config/types.js';
import { canonicalJson } from '../util/canonical-json.js';

/** What a config change asks of an experiment's artifacts. */
export type RefreshKind = 'full' | 'metric' | 'remove';

/** One experiment the change affects. */
export interface ExperimentRefresh {
  experiment: string;
  refresh: RefreshKind;
  /** For `metric`: the metrics to recompute (or, when no longer defined, to delete). */
  metrics: string[];
  /** Why, for people reading the plan. */
  reasons: string[];
}

/** Data changes outside the experiment config that also force a refresh. */
export interface AffectedOptions {
  /** Ingestions whose loaded data changes (reload, backfill): experiments reading them restate. */
  changedIngestions?: string[];
}

const IGNORED = new Set(['description', 'owner', 'metrics']);

function metricMap(config: ExperimentConfig): Map<string, ExperimentMetric> {
  return new Map(config.metrics.map((m) => [m.name, m]));
}

/** What changed between two versions of one experiment (null: nothing that needs a refresh). */
export function diffExperiment(before: ExperimentConfig, after: ExperimentConfig): ExperimentRefresh | null {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)].filter((k) => !IGNORED.has(k)));
  const changed = [...keys]
    .sort()
    .filter(
      (k) =>
        canonicalJson((before as unknown as Record<string, unknown>)[k]) !==
        canonicalJson((after as unknown as Record<string, unknown>)[k]),
    );
  if (changed.length)
    return { experiment: after.name, refresh: 'full', metrics: [], reasons: changed.map((k) => `${k} changed`) };
  const old = metricMap(before);
  const now = metricMap(after);
  const reasons: string[] = [];
  const metrics: string[] = [];
  const note = (name: string, what: string) => {
    metrics.push(name);
    reasons.push(`metric ${name} ${what}`);
  };
  for (const [name, m] of now) {
    if (!old.has(name)) note(name, 'added');
    else if (canonicalJson(old.get(name)) !== canonicalJson(m)) note(name, 'changed');
  }
  for (const name of old.keys()) if (!now.has(name)) note(name, 'removed');
  return metrics.length ? { experiment: after.name, refresh: 'metric', metrics, reasons } : null;
}

function reads(config: ExperimentConfig): Set<string> {
  const names = new Set(config.metrics.map((m) => m.ingestion));
  if (config.exposure.kind === 'events') names.add(config.exposure.ingestion);
  return names;
}

/**
 * An experiment as the plan knows it: its config, or a loaded experiment (config plus the text
 * of its exposure SQL file, so an edit of that file counts as a change).
 */
export type AffectedInput = ExperimentConfig | { config: ExperimentConfig; exposureSqlText?: string };

function configOf(input: AffectedInput): { config: ExperimentConfig; sql: string | undefined } {
  return 'config' in input ? { config: input.config, sql: input.exposureSqlText } : { config: input, sql: undefined };
}

/** The experiments a change from `before` to `after` forces to refresh, sorted by name. */
export function experimentsAffectedBy(
  before: Iterable<AffectedInput>,
  after: Iterable<AffectedInput>,
  options: AffectedOptions = {},
): ExperimentRefresh[] {
  const old = new Map([...before].map(configOf).map((e) => [e.config.name, e]));
  const now = [...after].map(configOf);
  const out: ExperimentRefresh[] = [];
  for (const { config, sql } of now) {
    const previous = old.get(config.name);
    const reloaded = [...reads(config)].filter((i) => options.changedIngestions?.includes(i));
    if (!previous) out.push({ experiment: config.name, refresh: 'full', metrics: [], reasons: ['new experiment'] });
    else if (reloaded.length)
      out.push({
        experiment: config.name,
        refresh: 'full',
        metrics: [],
        reasons: reloaded.map((i) => `ingestion ${i} is reloaded`),
      });
    else {
      const diff = diffExperiment(previous.config, config);
      if (previous.sql !== sql && diff?.refresh !== 'full')
        out.push({ experiment: config.name, refresh: 'full', metrics: [], reasons: ['exposure SQL changed'] });
      else if (diff) out.push(diff);
    }
  }
  for (const name of old.keys()) {
    if (!now.some((e) => e.config.name === name))
      out.push({
        experiment: name,
        refresh: 'remove',
        metrics: [],
        reasons: ['experiment removed (its artifact tables are kept)'],
      });
  }
  return out.sort((a, b) => a.experiment.localeCompare(b.experiment));
}
