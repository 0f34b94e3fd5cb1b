/**
 * The `redshift` connector through `pg` against the real PostgreSQL test server, with an
 * explicit port (no Redshift cluster or its default port 5439 is reachable in tests): the
 * shared conformance suite. This proves the connector's protocol handling, value mapping,
 * day filters and errors; Redshift-only SQL behaviour is not exercised.
 */
import { describe, expect, it } from 'vitest';
import { testContext } from '../conformance/context.js';
import { runConnectorConformance } from '../conformance/index.js';
import { pgClientConfig } from '../postgres/options.js';
import { pgConformanceSetup } from '../postgres/testing/pg-conformance.js';
import { connectorFor } from '../registry.js';

runConnectorConformance('redshift', pgConformanceSetup('redshift'));

describe('redshift connector', () => {
  it('defaults to port 5439 when the source names none, and keeps an explicit port', () => {
    const base = { name: 'rs', kind: 'redshift' as const, host: 'cluster.example', database: 'dev', user: 'wharf' };
    expect(pgClientConfig(base, testContext({})).port).toBe(5439);
    expect(pgClientConfig({ ...base, port: 6543 }, testContext({})).port).toBe(6543);
    expect(pgClientConfig({ ...base, kind: 'postgres' }, testContext({})).port).toBe(5432);
  });

  it('is registered as the built-in redshift kind, without fingerprints', async () => {
    const definition = await connectorFor('redshift');
    expect(definition.kind).toBe('redshift');
    expect(definition.capabilities.fingerprint).toBe(false);
  });
});
