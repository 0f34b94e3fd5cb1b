/** The `postgres` connector through `pg` against the real PostgreSQL test server: the shared conformance suite. */
import { describe, expect, it } from 'vitest';
import { runConnectorConformance } from '../conformance/index.js';
import { connectorFor } from '../registry.js';
import { pgConformanceSetup } from './testing/pg-conformance.js';

runConnectorConformance('postgres', pgConformanceSetup('postgres'));

describe('postgres connector', () => {
  it('is registered as the built-in postgres kind, with fingerprints and table signals', async () => {
    const definition = await connectorFor('postgres');
    expect(definition.kind).toBe('postgres');
    expect(definition.capabilities).toMatchObject({ fingerprint: true, signals: 'table' });
  });
});
