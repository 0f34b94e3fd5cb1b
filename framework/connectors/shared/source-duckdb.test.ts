/**
 * A source's DuckDB instance is capped (memory, threads) and spills into a folder of its own
 * in the system's temporary folder, removed when the source closes. Its default cap grows in
 * steps while reads need more (a streamed CSV read pins 30.5 MiB for as long as it is open):
 * the reference is DuckDB itself, which refuses the same reads under the starting cap.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBResult } from '@duckdb/node-api';
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

  it('grows its cap a step at a time while streamed CSV reads need it, up to 256 MB, and no further', async () => {
    const csv = join(mkdtempSync(join(tmpdir(), 'wharf-source-cap-')), 'gate.csv');
    writeFileSync(csv, 'd\n2026-10-01\n');
    const sql = `SELECT * FROM read_csv('${csv}', header = true)`;
    const handle = await openSourceDuckDB(':memory:');
    const cap = async () =>
      String((await handle.connection.runAndReadAll("SELECT current_setting('memory_limit')")).getRowsJS()[0][0]);
    const open: DuckDBResult[] = [];
    try {
      // A read with nothing to pin leaves the cap as it is.
      await handle.withinCap(() => handle.connection.run('SELECT 42'));
      expect(await cap()).toMatch(/^61\.0 MiB$/);
      // Under the starting cap DuckDB refuses even one such stream.
      const direct = await handle.instance.connect();
      await expect(direct.stream(sql)).rejects.toThrow(/^Out of Memory Error/);
      direct.closeSync();
      expect(await cap()).toMatch(/^61\.0 MiB$/);

      for (let i = 0; i < 3; i++) {
        const c = await handle.instance.connect();
        open.push(await handle.withinCap(() => c.stream(sql)));
      }
      // Three open streams: 30.5 MiB each and one more to start, in steps of 32 MB (30.5 MiB).
      expect(await cap()).toMatch(/^152\.5 MiB$/);
      for (const result of open) expect((await result.fetchChunk())?.rowCount).toBe(1);

      // At 256 MB the cap stops growing and DuckDB's refusal comes through.
      let refused: unknown;
      for (let i = 0; i < 10 && refused === undefined; i++) {
        const c = await handle.instance.connect();
        try {
          open.push(await handle.withinCap(() => c.stream(sql)));
        } catch (err) {
          refused = err;
        }
      }
      expect(String(refused)).toMatch(/Out of Memory Error/);
      expect(await cap()).toMatch(/^244\.1 MiB$/);
    } finally {
      handle.close();
    }
  });
});
