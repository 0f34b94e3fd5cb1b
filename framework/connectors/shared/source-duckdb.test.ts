/**
 * A source's DuckDB instance is capped (memory, threads) and spills into a folder of its own
 * in the system's temporary folder, removed when the source closes.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { openSourceDuckDB } from './source-duckdb.js';

describe('openSourceDuckDB', () => {
  it('caps memory and threads and spills into its own temporary folder, removed on close', async () => {
    const handle = await openSourceDuckDB(':memory:');
    const reader = await handle.connection.runAndReadAll(
      "SELECT current_setting('threads'), current_setting('memory_limit'), current_setting('temp_directory')",
    );
    const [threads, memory, spill] = reader.getRowsJS()[0].map(String);
    expect(threads).toBe('1');
    // DuckDB reports the cap in its own units (64 MB is about 61 MiB).
    expect(memory).toMatch(/^6[01](\.[0-9]+)? MiB$/);
    expect(spill.startsWith(tmpdir())).toBe(true);
    expect(existsSync(spill)).toBe(true);
    handle.close();
    expect(existsSync(spill)).toBe(false);
  });

  it("purges the allocator's freed memory in the background, as every Wharf DuckDB does", async () => {
    const handle = await openSourceDuckDB(':memory:');
    const reader = await handle.connection.runAndReadAll(
      "SELECT current_setting('allocator_background_threads'), current_setting('allocator_flush_threshold')",
    );
    handle.close();
    const [background, threshold] = reader.getRowsJS()[0].map(String);
    expect(background).toBe('true');
    // 16 MB in DuckDB's units (DuckDB's default is 128 MiB).
    expect(threshold).toMatch(/^15(\.[0-9]+)? MiB$/);
  });
});
