import type { ConnectorCapabilities } from '../types.js';

/** What the Snowflake connector can do: HASH_AGG fingerprints, signal tables. */
export const SNOWFLAKE_CAPABILITIES: ConnectorCapabilities = {
  fingerprint: true,
  signals: 'table',
};
