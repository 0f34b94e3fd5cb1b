import { defineExperiment } from '@wharf/framework';

// The demo's A/B test: a new checkout button. Exposure events come from the app_events
// ingestion; the test group's revenue is about 8% higher in the demo data, sessions unchanged.
export default defineExperiment({
  name: 'checkout_button',
  description: 'New checkout button on the cart page.',
  exposure: {
    kind: 'events',
    ingestion: 'app_events',
    eventName: 'experiment_exposure',
    groupFrom: 'event_value',
    metadata: { experiment: 'checkout_button' },
  },
  idType: 'user_id',
  groups: [
    { name: 'control', split: 0.5, control: true },
    { name: 'test', split: 0.5 },
  ],
  startDate: '2026-10-01',
  metrics: [
    { name: 'revenue', source: 'metrics', ingestion: 'daily_metrics', aggregation: 'mean' },
    // Revenue per user over the experiment (a sum metric), winsorized at the 99.9th percentile.
    {
      name: 'revenue_total',
      source: 'metrics',
      ingestion: 'daily_metrics',
      metricName: 'revenue',
      aggregation: 'sum',
      winsorize: true,
    },
    { name: 'sessions', source: 'metrics', ingestion: 'daily_metrics', aggregation: 'mean' },
    { name: 'checkout_conversion', source: 'metrics', ingestion: 'checkout_conversion', aggregation: 'ratio' },
  ],
  // CUPED with the 7 days before each user's exposure (the default).
  cuped: { preExposureDays: 7 },
  significanceLevel: 0.05,
  owner: 'growth-team@example.com',
});
