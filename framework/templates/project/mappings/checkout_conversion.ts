import { defineMapping } from '@wharf/framework';

export default defineMapping({
  name: 'checkout_conversion',
  dataset: 'metrics',
  source: 'demo',
  sql: './checkout_conversion.sql',
  schedule: 'on_demand',
  startDate: '{{startDate}}',
  columns: {
    unit_id: 'unit_id',
    id_type: { constant: 'user_id' },
    date: 'ds',
    metric_name: 'metric',
    numerator: 'orders',
    denominator: 'checkouts',
  },
});
