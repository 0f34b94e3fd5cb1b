import { defineSource } from '@wharf/framework';

// The embedded demo warehouse: a DuckDB file generated with synthetic data on first use.
// For a real warehouse, see docs/connectors.md, e.g.
//   defineSource({ kind: 'snowflake', name: 'prod', account: 'xy12345', password: env('SNOWFLAKE_PASSWORD'), ... })
export default defineSource({
  kind: 'duckdb',
  name: 'demo',
  path: '.wharf/demo-warehouse.duckdb',
  generate: 'demo',
});
