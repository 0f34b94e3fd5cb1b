import { defineProject } from '@wharf/framework';

export default defineProject({
  name: 'demo',
  // The embedded store: a DuckDB file under .wharf/ (git-ignored).
  store: { kind: 'duckdb', path: '.wharf/store.duckdb' },
  // user_id and stable_id are always declared; add your project's custom id types here.
  customIdTypes: [],
  // Day boundaries and schedule times: PST, a fixed UTC-8 all year.
  timeZone: 'PST',
  // Change detection (the defaults): recheck each day for 3 days, reload on a >5% row-count change.
  recheck: { days: 3, threshold: 0.05 },
});
