/**
 * The scheduler driving the real engine: the example project's demo warehouse (DuckDB) into a
 * DuckDB store, on a manual clock. Daily mappings load at 09:00 PST; the API-triggered one
 * waits for mark_data_ready; a recheck reloads a day whose source grew.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProject } from '../framework/config/loader.js';
import type { LoadedProject } from '../framework/config/project.js';
import { ConnectorPool } from '../framework/engine/connector-pool.js';
import type { EngineContext } from '../framework/engine/types.js';
import {
  ManualClock,
  Scheduler,
  MemorySchedulerState,
  schedulerSetupFromProject,
} from '../framework/schedule/index.js';
import { engineSchedulerDeps } from '../framework/schedule/engine-adapters.js';
import { openStore } from '../framework/store/open-store.js';
import { openDuckDB } from '../framework/util/duckdb.js';
import { copyExampleProject } from './support/example-project.js';

let dir = '';
let engine: EngineContext | undefined;

afterEach(async () => {
  await engine?.connectors.closeAll();
  await engine?.store.close();
  engine = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function setup(now: string): Promise<{ project: LoadedProject; scheduler: Scheduler; clock: ManualClock }> {
  dir = copyExampleProject();
  const { project } = await loadProject(dir);
  if (!project) throw new Error('example project did not load');
  const store = await openStore(project.settings.store, dir);
  engine = { project, store, connectors: new ConnectorPool(project), trigger: 'schedule' };
  const clock = new ManualClock(new Date(now));
  const scheduler = await Scheduler.open(
    schedulerSetupFromProject(project),
    engineSchedulerDeps(engine, new MemorySchedulerState(), clock),
  );
  return { project, scheduler, clock };
}

describe('scheduler over the engine', () => {
  it('loads yesterday of daily mappings at 09:00 PST and the API mapping only on request', async () => {
    const { scheduler } = await setup('2026-10-03T17:00:00Z'); // 09:00 PST
    await scheduler.runDue();
    const ledger = await engine!.store.ledger();
    expect(ledger.map((e) => `${e.ingestion} ${e.date} ${e.status} ${e.trigger}`).sort()).toEqual([
      'app_events 2026-10-02 succeeded schedule',
      'daily_metrics 2026-10-02 succeeded schedule',
    ]);
    const [events] = await engine!.store.query<{ n: number }>(
      "SELECT count(*) AS n FROM events WHERE ingestion = 'app_events' AND day = '2026-10-02'",
    );
    expect(events.n).toBe(ledger.find((e) => e.ingestion === 'app_events')!.rowsLoaded);

    const result = await scheduler.markDataReady({ dates: ['2026-10-02'], type: 'metrics' });
    expect(result.accepted).toBe(true);
    await scheduler.drain();
    const after = await engine!.store.ledger({ ingestion: 'checkout_conversion' });
    expect(after.map((e) => `${e.date} ${e.status} ${e.trigger}`)).toEqual(['2026-10-02 succeeded api']);
  });

  it('reloads a day whose source row count grew by more than 5% within the recheck window', async () => {
    const { scheduler, clock, project } = await setup('2026-10-03T17:00:00Z');
    await scheduler.runDue();
    const before = (await engine!.store.ledger({ ingestion: 'daily_metrics' }))[0];
    // Late data: 10% more rows for 2026-10-02 land in the warehouse.
    const warehouse = join(project.root, '.wharf/demo-warehouse.duckdb');
    await engine!.connectors.closeAll();
    const db = await openDuckDB(warehouse);
    await db.connection.run(
      `INSERT INTO daily_metrics SELECT unit_id || '-late', id_type, ds, metric, value FROM daily_metrics WHERE ds = DATE '2026-10-02' USING SAMPLE 10 PERCENT (reservoir, 7)`,
    );
    db.close();
    clock.set(new Date('2026-10-03T19:00:00Z'));
    await scheduler.runDue();
    const after = (await engine!.store.ledger({ ingestion: 'daily_metrics' })).find((e) => e.date === '2026-10-02')!;
    expect(after.trigger).toBe('recheck');
    expect(after.rowsLoaded).toBeGreaterThan(before.rowsLoaded * 1.05);
    const decisions = await scheduler.decisions({ mapping: 'daily_metrics' });
    expect(decisions.some((d) => d.action === 'reload' && d.day === '2026-10-02')).toBe(true);
  });
});
