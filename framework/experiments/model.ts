/**
 * An experiment with every default applied: what the pipeline, statistics and views work
 * with. Resolving once keeps the defaults (Statsig's: CUPED on with 7 pre-exposure days,
 * winsorization at the 99.9th percentile when asked for, 5% significance) in one place.
 */
import type { ExperimentConfig, ExperimentMetric, ExposureSource } from '../config/types.js';

/** Statsig's defaults the seed's pipeline uses, and Wharf's SRM threshold. */
export const EXPERIMENT_DEFAULTS = {
  preExposureDays: 7,
  winsorizeUpper: 0.999,
  significanceLevel: 0.05,
  statisticalTest: 't',
  /** Sample ratio mismatch is flagged below this chi-squared p-value. */
  srmPValue: 0.01,
} as const;

/**
 * How a metric is analysed at group level: `sum` (mean of unit totals, Welch) or `ratio`
 * (total numerator over total denominator, delta method; mean, ratio and funnel metrics).
 */
export type MetricKind = 'sum' | 'ratio';

/** The test of a group against the control: Welch's t test or a z test. */
export type StatisticalTest = 't' | 'z';

/** A metric with its analysis kind, caps and CUPED decided. */
export interface ResolvedMetric {
  name: string;
  config: ExperimentMetric;
  kind: MetricKind;
  /**
   * Upper / lower cap percentiles and whether they are computed over non-zero values only, or
   * null when the metric is not winsorized.
   */
  winsorize: { upper: number | null; lower: number | null; excludeZeros: boolean } | null;
  /** CUPED applies to every metric but funnels when the experiment has it on. */
  cuped: boolean;
}

/** An experiment with every default applied and splits normalized to fractions. */
export interface ResolvedExperiment {
  name: string;
  exposure: ExposureSource;
  /** Exposure SQL text, for SQL exposure sources. */
  exposureSql?: string;
  idType: string;
  groups: { name: string; split: number; control: boolean }[];
  control: string;
  startDate: string;
  endDate: string | null;
  metrics: ResolvedMetric[];
  preExposureDays: number | null;
  significanceLevel: number;
  statisticalTest: StatisticalTest;
}

/** Applies the defaults to a validated experiment config. */
export function resolveExperiment(config: ExperimentConfig, exposureSql?: string): ResolvedExperiment {
  const cupedOn = config.cuped !== false;
  const total = config.groups.reduce((s, g) => s + g.split, 0);
  const groups = config.groups.map((g) => ({ name: g.name, split: g.split / total, control: g.control === true }));
  return {
    name: config.name,
    exposure: config.exposure,
    exposureSql,
    idType: config.idType,
    groups,
    control: groups.find((g) => g.control)?.name ?? groups[0].name,
    startDate: config.startDate,
    endDate: config.endDate ?? null,
    metrics: config.metrics.map((m) => resolveMetric(m, cupedOn)),
    preExposureDays: cupedOn
      ? typeof config.cuped === 'object'
        ? (config.cuped.preExposureDays ?? EXPERIMENT_DEFAULTS.preExposureDays)
        : EXPERIMENT_DEFAULTS.preExposureDays
      : null,
    significanceLevel: config.significanceLevel ?? EXPERIMENT_DEFAULTS.significanceLevel,
    statisticalTest: config.statisticalTest ?? EXPERIMENT_DEFAULTS.statisticalTest,
  };
}

function resolveMetric(m: ExperimentMetric, cupedOn: boolean): ResolvedMetric {
  const kind: MetricKind =
    m.source === 'funnel' || (m.source === 'metrics' && m.aggregation !== 'sum') ? 'ratio' : 'sum';
  let winsorize: ResolvedMetric['winsorize'] = null;
  if (m.winsorize === true) winsorize = { upper: EXPERIMENT_DEFAULTS.winsorizeUpper, lower: null, excludeZeros: false };
  else if (typeof m.winsorize === 'object') {
    winsorize = {
      upper: m.winsorize.upper ?? (m.winsorize.lower === undefined ? EXPERIMENT_DEFAULTS.winsorizeUpper : null),
      lower: m.winsorize.lower ?? null,
      excludeZeros: m.winsorize.excludeZeros === true,
    };
  }
  return { name: m.name, config: m, kind, winsorize, cuped: cupedOn && m.source !== 'funnel' };
}

/** The store ingestions an experiment reads (exposures and metrics). */
export function ingestionsOf(experiment: ResolvedExperiment): string[] {
  const names = new Set<string>();
  if (experiment.exposure.kind === 'events') names.add(experiment.exposure.ingestion);
  for (const m of experiment.metrics) names.add(m.config.ingestion);
  return [...names];
}
