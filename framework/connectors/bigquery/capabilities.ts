import type { ConnectorCapabilities } from '../types.js';

/** What the BigQuery connector can do: fingerprints, dry-run byte estimates, signal tables. */
export const BIGQUERY_CAPABILITIES: ConnectorCapabilities = {
  fingerprint: true,
  dryRunEstimate: true,
  signals: 'table',
};
