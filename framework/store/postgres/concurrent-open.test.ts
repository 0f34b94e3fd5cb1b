/**
 * Several processes opening a fresh PostgreSQL store at once (the agent and two CLI loads
 * started together) all succeed: creating the store's schema and tables is serialized, so
 * no opener fails on a duplicate key in PostgreSQL's catalog.
 */
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/postgres.js';
import { openStore } from '../open-store.js';

describe('opening a fresh PostgreSQL store concurrently', () => {
  it('succeeds for every opener', { timeout: 60_000 }, async () => {
    const url = await createTestDatabase('wharf_concurrent_open');
    const variable = `WHARF_CONCURRENT_OPEN_${Math.random().toString(36).slice(2)}`.toUpperCase();
    process.env[variable] = url;
    for (let round = 0; round < 5; round++) {
      const schema = `race_${round}`;
      const opened = await Promise.allSettled(
        Array.from({ length: 8 }, () => openStore({ kind: 'postgres', url: { env: variable }, schema }, '/')),
      );
      const failures = opened.flatMap((o) => (o.status === 'rejected' ? [String(o.reason)] : []));
      for (const o of opened) if (o.status === 'fulfilled') await o.value.close();
      expect(failures).toEqual([]);
    }
  });
});
