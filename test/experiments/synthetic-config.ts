/** The experiment configs the acceptance tests run over the synthetic data. */
import type { ExperimentConfig } from '../../framework/config/types.js';
import type { RefMetric } from './reference.js';
import { EXPERIMENT_START } from './synthetic.js';

export function syntheticExperiment(name = 'synthetic', overrides: Partial<ExperimentConfig> = {}): ExperimentConfig {
  return {
    name,
    exposure: { kind: 'events', ingestion: 'app', eventName: 'exposure', metadata: { experiment: 'synthetic' } },
    idType: 'user_id',
    groups: [
      { name: 'control', split: 50, control: true },
      { name: 'test', split: 50 },
    ],
    startDate: EXPERIMENT_START,
    metrics: [
      { name: 'spend', source: 'metrics', ingestion: 'm', aggregation: 'sum' },
      { name: 'order_value', source: 'metrics', ingestion: 'm', aggregation: 'mean' },
      { name: 'conversion', source: 'metrics', ingestion: 'm', aggregation: 'ratio' },
      { name: 'purchases', source: 'events', ingestion: 'app', eventName: 'purchase', aggregation: 'count' },
      {
        name: 'spend_capped',
        source: 'metrics',
        ingestion: 'm',
        metricName: 'spend',
        aggregation: 'sum',
        winsorize: { upper: 0.99 },
      },
    ],
    cuped: true,
    ...overrides,
  };
}

/** The same metrics as the reference implementation sees them. */
export const REFERENCE_METRICS: Record<string, RefMetric> = {
  spend: { name: 'spend', source: 'metrics', metricName: 'spend', aggregation: 'sum', cuped: true },
  order_value: { name: 'order_value', source: 'metrics', metricName: 'order_value', aggregation: 'mean', cuped: true },
  conversion: { name: 'conversion', source: 'metrics', metricName: 'conversion', aggregation: 'ratio', cuped: true },
  purchases: { name: 'purchases', source: 'events', metricName: 'purchase', aggregation: 'count', cuped: true },
  spend_capped: {
    name: 'spend_capped',
    source: 'metrics',
    metricName: 'spend',
    aggregation: 'sum',
    winsorizeUpper: 0.99,
    cuped: true,
  },
};
