/**
 * A load killed (SIGKILL) in the middle leaves the previous version of the day and its
 * ledger row, in both stores: the killed process's transaction never commits.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StoreConfig } from '../../framework/config/types.js';
import { openStore } from '../../framework/store/open-store.js';
import { createTestDatabase } from '../support/postgres.js';
import { tempDir } from '../support/engine-fixture.js';

const child = resolve(import.meta.dirname, 'fixtures/slow-load.ts');

/** Runs the slow load; kills it after `killAfterBatches` batches reached the store (or lets it finish). */
function runLoad(store: StoreConfig, value: number, killAfterBatches?: number): Promise<string> {
  return new Promise((done, fail) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, JSON.stringify(store), String(value)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: process.env,
    });
    let batches = 0;
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      batches = out.split('\n').filter((l) => l === 'rows').length;
      if (killAfterBatches !== undefined && batches >= killAfterBatches) proc.kill('SIGKILL');
    });
    proc.on('error', fail);
    proc.on('exit', (code, signal) =>
      done(signal ? `killed after ${batches} batches` : `exit ${code}: ${out.trim().split('\n').at(-1)}`),
    );
  });
}

async function storeConfig(kind: 'duckdb' | 'postgres'): Promise<StoreConfig> {
  if (kind === 'duckdb') return { kind: 'duckdb', path: join(tempDir(), 'store.duckdb') };
  process.env.WHARF_KILL_TEST_STORE = await createTestDatabase('wharf_kill');
  return { kind: 'postgres', url: { env: 'WHARF_KILL_TEST_STORE' } };
}

describe.each(['duckdb', 'postgres'] as const)('killing a load mid-way (%s store)', (kind) => {
  it('keeps the previous version of the day and its ledger row', { timeout: 120_000 }, async () => {
    const config = await storeConfig(kind);
    expect(await runLoad(config, 1)).toBe('exit 0: done succeeded');
    const killed = await runLoad(config, 2, 5);
    expect(killed).toMatch(/^killed after \d+ batches$/);
    const store = await openStore(config, tempDir());
    try {
      const rows = await store.query<{ v: number; n: number }>(
        'SELECT metric_value AS v, count(*) AS n FROM metrics GROUP BY 1',
      );
      expect(rows.map((r) => [r.v, Number(r.n)])).toEqual([[1, 100_000]]);
      const ledger = await store.ledger();
      expect(ledger.map((e) => [e.status, e.rowsLoaded])).toEqual([['succeeded', 100_000]]);
      expect((await store.attempts()).length).toBe(1);
    } finally {
      await store.close();
    }
  });
});
