import { defineSchedule } from '@wharf/framework';

// No automatic load: POST /v1/mark_data_ready triggers it (at most once every two hours).
// Rechecks for late or changed data still run.
export default defineSchedule({
  kind: 'api',
  name: 'on_demand',
  rateLimit: '2h',
});
