/**
 * Builds the packages (tests that spawn `ingest` run the build in framework/dist/), then starts
 * a throwaway PostgreSQL cluster for the whole test run unless WHARF_TEST_PG_URL points at one
 * already. Tests get its URL from `pgUrl()` (test/support/postgres.ts).
 */
import type { TestProject } from 'vitest/node';
import { buildPackages } from './support/build.js';
import { postgresAvailable, startPostgresCluster, type PostgresCluster } from './support/postgres-cluster.js';

let cluster: PostgresCluster | undefined;

export async function setup(project: TestProject) {
  buildPackages();
  let url = process.env.WHARF_TEST_PG_URL ?? '';
  if (!url && postgresAvailable()) {
    cluster = await startPostgresCluster();
    url = cluster.url;
  }
  project.provide('pgUrl', url);
}

export async function teardown() {
  await cluster?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
  }
}
