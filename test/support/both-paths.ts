/**
 * Test support for the parity tests of the columnar path against the row path: one engine
 * context per path, each with its own project folder and a fresh store, a day loaded both
 * ways (both must succeed on their own path and report the same day result), and closing.
 */
import { expect } from 'vitest';
import type { LoadedMapping } from '../../framework/config/project.js';
import type { SourceConfig } from '../../framework/config/types.js';
import type { ConnectorOpener } from '../../framework/engine/connector-pool.js';
import { ingestDay } from '../../framework/engine/ingest-day.js';
import type { DayResult, EngineContext } from '../../framework/engine/types.js';
import { engineContext, freshStore, makeProject, tempDir, type StoreKind } from './engine-fixture.js';
import { comparable } from './messy-metrics-day.js';

const PATHS = ['columnar', 'rows'] as const;
export type BothPaths<T> = Record<(typeof PATHS)[number], T>;

/** A context on the columnar path and one on the row path, over the same sources and mappings. */
export async function bothPathContexts(
  sources: SourceConfig[],
  mappings: LoadedMapping[],
  { store, opener }: { store: StoreKind; opener?: ConnectorOpener },
): Promise<BothPaths<EngineContext>> {
  const contexts = {} as BothPaths<EngineContext>;
  for (const path of PATHS)
    contexts[path] = {
      ...engineContext(makeProject(tempDir(), sources, mappings), await freshStore(store), opener),
      columnar: path === 'columnar',
      // Batches of a few hundred rows: several per day, not one per seven rows of the padding.
      batchSize: 500,
    };
  return contexts;
}

/** Loads `day` of mapping `name` both ways; each must succeed on its own path, with the same result. */
export async function loadBothPaths(
  contexts: BothPaths<EngineContext>,
  name: string,
  day: string,
): Promise<BothPaths<DayResult>> {
  const results = {} as BothPaths<DayResult>;
  for (const path of PATHS) {
    results[path] = await ingestDay(contexts[path], name, day);
    expect(results[path]).toMatchObject({ status: 'succeeded', path });
  }
  expect(comparable(results.columnar)).toEqual(comparable(results.rows));
  return results;
}

/** Closes both contexts' connectors and stores (those a failed set-up opened). */
export async function closeBothPaths(contexts: Partial<BothPaths<EngineContext>> | undefined): Promise<void> {
  for (const ctx of Object.values(contexts ?? {})) {
    await ctx.connectors.closeAll();
    await ctx.store.close();
  }
}
