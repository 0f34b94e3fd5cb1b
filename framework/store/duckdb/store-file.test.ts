import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDBStoreConnection } from './executor.js';

const newPath = () => join(mkdtempSync(join(tmpdir(), 'wharf-store-file-')), '.wharf', 'store.duckdb');

describe('DuckDB store file creation', () => {
  it('opens an empty store file, as a process killed while creating it leaves, as a new store', async () => {
    const path = newPath();
    const first = await DuckDBStoreConnection.open(path);
    await first.close();
    // What DuckDB leaves when the process dies after creating the file, before its header.
    writeFileSync(path, '');
    const store = await DuckDBStoreConnection.open(path);
    try {
      await store.exec('CREATE TABLE t (v INTEGER)');
      await store.exec('INSERT INTO t VALUES (7)');
      expect(await store.query('SELECT v FROM t')).toEqual([{ v: 7 }]);
    } finally {
      await store.close();
    }
  });

  it('creates a missing file whole, keeps an existing one, and leaves no temporary file', async () => {
    const path = newPath();
    expect(existsSync(path)).toBe(false);
    const store = await DuckDBStoreConnection.open(path);
    await store.exec('CREATE TABLE t AS SELECT 1 AS v');
    await store.close();
    expect(statSync(path).size).toBeGreaterThan(0);
    const again = await DuckDBStoreConnection.open(path);
    try {
      expect(await again.query('SELECT v FROM t')).toEqual([{ v: 1 }]);
    } finally {
      await again.close();
    }
    expect(readdirSync(join(path, '..')).filter((f) => f.includes('.creating-'))).toEqual([]);
  });
});
