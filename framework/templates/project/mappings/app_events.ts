import { defineMapping } from '@wharf/framework';

export default defineMapping({
  name: 'app_events',
  dataset: 'events',
  source: 'demo',
  sql: './app_events.sql',
  schedule: 'daily_9am',
  startDate: '{{startDate}}',
  owner: 'data-team@example.com',
  columns: {
    timestamp: 'event_time',
    event_name: 'event',
    event_value: 'value',
    event_metadata: 'properties',
    user: 'user_json',
    timeuuid: 'event_id',
  },
});
