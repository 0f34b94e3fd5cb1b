/** The shared connector conformance suite (vitest). Import it only from test files. */
export { runConnectorConformance, streamRowsFor } from './suite.js';
export { MIN_STREAM_ROWS } from './harness.js';
export type { ConformanceHarness, ConformanceSetup, FixtureColumn, FixtureType, FixtureValue } from './harness.js';
export { testContext } from './context.js';
export { closedLoopbackPort } from './loopback.js';
export { loadDuckDBTable, createDuckDBSeries } from './duckdb-fixtures.js';
