import type { ConnectorCapabilities } from '../types.js';

/** What the BigQuery connector can do: fingerprints, signal tables. */
export const BIGQUERY_CAPABILITIES: ConnectorCapabilities = {
  fingerprint: true,
  signals: 'table',
};
