/**
 * WHARF_DUCKDB_THREADS sets the threads of the DuckDB instances Wharf opens, read back from
 * DuckDB itself; unset, an instance has DuckDB's own default (an instance opened without
 * Wharf's options); an instance that sets its own threads keeps them; a value that is not a
 * number of threads is refused before anything is opened or made.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DuckDBInstance } from './duckdb-api.js';
import { DUCKDB_THREADS_VARIABLE, openDuckDB } from './duckdb.js';

async function threadsOf(options: Record<string, string> = {}): Promise<string> {
  const db = await openDuckDB(':memory:', options);
  try {
    return String((await db.connection.runAndReadAll("SELECT current_setting('threads')")).getRows()[0][0]);
  } finally {
    db.close();
  }
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe(`${DUCKDB_THREADS_VARIABLE}`, () => {
  it('sets the threads of an instance, unless the instance sets its own', async () => {
    vi.stubEnv(DUCKDB_THREADS_VARIABLE, '3');
    expect(await threadsOf()).toBe('3');
    expect(await threadsOf({ threads: '1' })).toBe('1');
  });

  it("unset or empty, leaves DuckDB's default", async () => {
    const plain = await DuckDBInstance.create(':memory:');
    const connection = await plain.connect();
    const byDefault = String((await connection.runAndReadAll("SELECT current_setting('threads')")).getRows()[0][0]);
    connection.closeSync();
    plain.closeSync();
    vi.stubEnv(DUCKDB_THREADS_VARIABLE, undefined);
    expect(await threadsOf()).toBe(byDefault);
    vi.stubEnv(DUCKDB_THREADS_VARIABLE, '');
    expect(await threadsOf()).toBe(byDefault);
  });

  it.each(['two', '0', '-1', '1.5', '99999'])('refuses %s, naming the variable, and makes nothing', async (value) => {
    vi.stubEnv(DUCKDB_THREADS_VARIABLE, value);
    const dir = mkdtempSync(join(tmpdir(), 'wharf-duckdb-threads-'));
    try {
      const path = join(dir, 'new-folder', 'store.duckdb');
      await expect(openDuckDB(path)).rejects.toMatchObject({
        code: 'config.env-invalid',
        message: `WHARF_DUCKDB_THREADS is '${value}', which is not a number of threads.`,
        hint: expect.stringContaining('whole number from 1 to 9999'),
      });
      expect(existsSync(join(dir, 'new-folder'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
