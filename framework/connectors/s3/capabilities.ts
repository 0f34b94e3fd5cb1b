import type { ConnectorCapabilities } from '../types.js';

/** What the S3 connector can do: content fingerprints, and signals from the `signals/` folder. */
export const S3_CAPABILITIES: ConnectorCapabilities = { fingerprint: true, signals: 'folder' };
