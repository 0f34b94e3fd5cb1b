/** The `postgres` connector through `pg` against the real PostgreSQL test server: the shared conformance suite. */
import { runConnectorConformance } from '../conformance/index.js';
import { pgConformanceSetup } from './testing/pg-conformance.js';

runConnectorConformance('postgres', pgConformanceSetup('postgres'));
