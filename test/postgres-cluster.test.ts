import pg from 'pg';
import { expect, it } from 'vitest';
import { createTestDatabase } from './support/postgres.js';

it('provides a real PostgreSQL server on loopback with fresh databases', async () => {
  const url = await createTestDatabase();
  expect(new URL(url).hostname).toBe('127.0.0.1');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ v: string }>("SELECT current_setting('server_version') AS v");
  await client.end();
  expect(rows[0].v).toMatch(/^\d+/);
});
