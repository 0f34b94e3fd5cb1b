import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/**
 * The test PostgreSQL server's URL. In CI it must exist (a missing server fails the run);
 * elsewhere the PostgreSQL tests fail with instructions rather than pretending to pass.
 */
export function pgUrl(): string {
  const url = inject('pgUrl');
  if (!url) {
    throw new Error(
      'No PostgreSQL server for tests: install postgresql-15 (apt-get install postgresql-15) or set WHARF_TEST_PG_URL.',
    );
  }
  return url;
}

/** A fresh, empty database on the test server; returns its URL. */
export async function createTestDatabase(prefix = 'wharf_test'): Promise<string> {
  const base = pgUrl();
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}
