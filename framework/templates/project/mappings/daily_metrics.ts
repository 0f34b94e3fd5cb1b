import { defineMapping } from '@wharf/framework';

export default defineMapping({
  name: 'daily_metrics',
  dataset: 'metrics',
  source: 'demo',
  sql: './daily_metrics.sql',
  schedule: 'daily_9am',
  startDate: '{{startDate}}',
  columns: {
    unit_id: 'unit_id',
    id_type: 'id_type',
    date: 'ds',
    metric_name: 'metric',
    metric_value: 'value',
  },
});
