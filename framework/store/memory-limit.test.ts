/**
 * Every connection to a DuckDB store file is memory-bounded, not only the Store the loads use:
 * the experiment pipeline opens the bare connection (openExperimentStore) and, unbounded,
 * DuckDB would take up to 80% of the machine's memory for a large refresh.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStoreConnection } from './open-store.js';

const dir = mkdtempSync(join(tmpdir(), 'wharf-memory-limit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const UNITS: Record<string, number> = { KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, KB: 1e3, MB: 1e6, GB: 1e9 };

/** DuckDB's display of a size ('183.1 MiB') in bytes. */
function bytes(shown: string): number {
  const match = /^([\d.]+)\s*(\w+)$/.exec(shown.trim());
  if (!match || !(match[2] in UNITS)) throw new Error(`unexpected size '${shown}'`);
  return Number(match[1]) * UNITS[match[2]];
}

describe('DuckDB store connections', () => {
  it('carry the store memory limit (96 MB unless WHARF_DUCKDB_MEMORY_LIMIT says otherwise)', async () => {
    const connection = await openStoreConnection({ kind: 'duckdb', path: 'store.duckdb' }, dir);
    try {
      const [row] = await connection.query<{ limit: string }>(`SELECT current_setting('memory_limit') AS "limit"`);
      const expected = process.env.WHARF_DUCKDB_MEMORY_LIMIT ? bytes(process.env.WHARF_DUCKDB_MEMORY_LIMIT) : 96e6;
      expect(Math.abs(bytes(row.limit) - expected) / expected).toBeLessThan(0.01);
    } finally {
      await connection.close();
    }
  });
});
