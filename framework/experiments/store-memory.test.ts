/**
 * An experiment run on the DuckDB store runs with its own memory limit (store-memory.ts):
 * half the machine's memory by default, WHARF_EXPERIMENT_MEMORY_LIMIT when set, and the
 * store's limit again afterwards. The limit is read from DuckDB itself as the run's
 * transaction opens, on a store opened as the CLI and the agent open it (96MB by default).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { syntheticExperiment } from '../../test/experiments/synthetic-config.js';
import { syntheticData } from '../../test/experiments/synthetic.js';
import { createDataTables, insertEvents, insertMetrics } from '../../test/support/experiment-store.js';
import { openStoreConnection } from '../store/open-store.js';
import type { StoreConnection } from '../store/types.js';
import { runExperiment } from './pipeline.js';

const dir = mkdtempSync(join(tmpdir(), 'wharf-run-memory-'));
const stores: StoreConnection[] = [];
afterEach(() => {
  delete process.env.WHARF_EXPERIMENT_MEMORY_LIMIT;
});
afterAll(async () => {
  for (const s of stores) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

const UNITS: Record<string, number> = { KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 };

/** DuckDB's memory limit in bytes, as it shows it ('183.1 MiB'). */
async function limitOf(sql: StoreConnection): Promise<number> {
  const [row] = await sql.query<{ limit: string }>(`SELECT current_setting('memory_limit') AS "limit"`);
  const match = /^([\d.]+)\s*(\w+)$/.exec(row.limit.trim());
  if (!match || !(match[2] in UNITS)) throw new Error(`unexpected size '${row.limit}'`);
  return Number(match[1]) * UNITS[match[2]];
}

/** A DuckDB store with a small experiment's data, and the limits seen when each run's transaction opened. */
async function storeWithData(name: string): Promise<{ store: StoreConnection; seen: number[] }> {
  const inner = await openStoreConnection({ kind: 'duckdb', path: `${name}.duckdb` }, dir);
  stores.push(inner);
  await createDataTables(inner, 'duckdb');
  const data = syntheticData(30, 5);
  await insertEvents(inner, data.events);
  await insertMetrics(inner, data.metrics);
  const seen: number[] = [];
  const store: StoreConnection = {
    kind: inner.kind,
    query: (sql, params) => inner.query(sql, params),
    exec: (sql) => inner.exec(sql),
    async transaction(fn) {
      seen.push(await limitOf(inner));
      return inner.transaction(fn);
    },
    close: () => inner.close(),
  };
  return { store, seen };
}

const near = (got: number, want: number) => expect(Math.abs(got - want) / want).toBeLessThan(0.01);

describe('an experiment run on the DuckDB store', () => {
  it("raises the store's limit to half the machine's memory for the run, and restores it", async () => {
    const { store, seen } = await storeWithData('default');
    const storeLimit = await limitOf(store);
    if (!process.env.WHARF_DUCKDB_MEMORY_LIMIT) near(storeLimit, 96e6);
    await runExperiment(store, { config: syntheticExperiment('synthetic') }, { type: 'full' });
    expect(seen).toHaveLength(1);
    near(seen[0], totalmem() / 2);
    near(await limitOf(store), storeLimit);
  });

  it('uses WHARF_EXPERIMENT_MEMORY_LIMIT when set, and refuses a value that is not a size before running', async () => {
    const { store, seen } = await storeWithData('override');
    const storeLimit = await limitOf(store);
    process.env.WHARF_EXPERIMENT_MEMORY_LIMIT = '1GB';
    await runExperiment(store, { config: syntheticExperiment('synthetic') }, { type: 'full' });
    near(seen[0], 1e9);
    near(await limitOf(store), storeLimit);

    process.env.WHARF_EXPERIMENT_MEMORY_LIMIT = 'lots';
    const refused = await runExperiment(store, { config: syntheticExperiment('synthetic') }, { type: 'full' }).catch(
      (err: unknown) => err,
    );
    expect(refused).toMatchObject({ code: 'experiment.memory-limit', message: expect.stringContaining("'lots'") });
    expect(seen).toHaveLength(1);
    near(await limitOf(store), storeLimit);
  });
});
