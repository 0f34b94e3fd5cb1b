/**
 * What a change of one experiment's config asks of its artifacts: a pure function of the old
 * and new config, with which the pipeline checks that an incremental or metric refresh still
 * matches the config (pipeline-plan.ts).
 *
 * - a change to its exposure, id type, groups, dates, CUPED, significance level or
 *   statistical test → full refresh;
 * - metrics added, changed or removed (only) → metric refresh of those metrics;
 * - description or owner only → nothing.
 */
import type { ExperimentConfig, ExperimentMetric } from '../config/types.js';
import { canonicalJson } from '../util/canonical-json.js';

/** What a config change asks of an experiment's artifacts. */
export type RefreshKind = 'full' | 'metric';

/** What one experiment's change asks for. */
export interface ExperimentRefresh {
  experiment: string;
  refresh: RefreshKind;
  /** For `metric`: the metrics to recompute (or, when no longer defined, to delete). */
  metrics: string[];
  /** Why, for the error that names the refresh needed. */
  reasons: string[];
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
