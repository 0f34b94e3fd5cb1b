/**
 * The artifact tables of seed 004, named exactly as the seed names them. They are the user's
 * to query, so these names are a public interface.
 */

/** The rollups of `<experiment>_results_<rollup>`. */
export const ROLLUPS = ['daily', 'days_since_exposure', 'cumulative', '7day'] as const;
/** One of the seed's rollups. */
export type Rollup = (typeof ROLLUPS)[number];

/** The artifact table names of one experiment. */
export interface ArtifactNames {
  firstExposures: string;
  exposuresSummary: string;
  userLevelAggregations: string;
  preExposure: string;
  funnelEvents: string;
  windowedMetrics: string;
  results: Record<Rollup, string>;
}

/** The seed's table names for an experiment. */
export function artifactNames(experiment: string): ArtifactNames {
  return {
    firstExposures: `${experiment}_first_exposures`,
    exposuresSummary: `${experiment}_exposures_summary`,
    userLevelAggregations: `${experiment}_user_level_aggregations`,
    preExposure: `${experiment}_user_level_aggregations_for_pre_exposure_data`,
    funnelEvents: `${experiment}_funnel_events`,
    windowedMetrics: `windowed_metrics_${experiment}`,
    results: Object.fromEntries(ROLLUPS.map((r) => [r, `${experiment}_results_${r}`])) as Record<Rollup, string>,
  };
}

/** Every artifact table of one experiment, the results tables last. */
export function allArtifactTables(names: ArtifactNames): string[] {
  return [
    names.firstExposures,
    names.exposuresSummary,
    names.userLevelAggregations,
    names.preExposure,
    names.funnelEvents,
    names.windowedMetrics,
    ...Object.values(names.results),
  ];
}

/** Wharf's own bookkeeping tables, shared by all experiments. */
export const JOB_HISTORY_TABLE = 'experiment_job_history';
/** One row per statement of each step: query or job id, rows, bytes scanned and billed. */
export const JOB_QUERIES_TABLE = 'experiment_job_queries';
/** Per experiment: the last day covered and the config the artifacts were computed with. */
export const EXPERIMENT_STATE_TABLE = 'experiment_state';
