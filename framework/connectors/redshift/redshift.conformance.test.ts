/**
 * The `redshift` connector through `pg` against the real PostgreSQL test server, with an
 * explicit port (no Redshift cluster or its default port 5439 is reachable in tests): the
 * shared conformance suite. This proves the connector's protocol handling, value mapping,
 * day filters and errors; Redshift-only SQL behaviour is not exercised.
 */
import { runConnectorConformance } from '../conformance/index.js';
import { pgConformanceSetup } from '../postgres/testing/pg-conformance.js';

runConnectorConformance('redshift', pgConformanceSetup('redshift'));
