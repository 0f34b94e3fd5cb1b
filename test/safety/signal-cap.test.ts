/**
 * A mapping on a signal schedule loads nothing after the signal's latest finished_date, with
 * a real PostgreSQL source: not `run`, not a backfill, not `apply`'s initial backfill. When
 * the signal advances, the scheduler loads the days it now covers, with the rows the source
 * has then.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsMapping } from '../../framework/config/types.js';
import { backfill } from '../../framework/engine/backfill.js';
import { ingestDay } from '../../framework/engine/ingest-day.js';
import type { EngineContext } from '../../framework/engine/types.js';
import {
  ManualClock,
  MemorySchedulerState,
  Scheduler,
  schedulerSetupFromProject,
} from '../../framework/schedule/index.js';
import { engineSchedulerDeps } from '../../framework/schedule/engine-adapters.js';
import { openStore } from '../../framework/store/open-store.js';
import { cliProject, ingestIn } from '../support/cli-project.js';
import {
  engineContext,
  freshStore,
  loadedMapping,
  makeProject,
  seededSource,
  tempDir,
} from '../support/engine-fixture.js';

const mapping: MetricsMapping = {
  name: 'm',
  dataset: 'metrics',
  source: 'src',
  sql: './m.sql',
  schedule: 'finished',
  startDate: '2026-10-01',
  columns: {
    unit_id: 'u',
    id_type: { constant: 'user_id' },
    date: 'd',
    metric_name: { constant: 'revenue' },
    metric_value: 'v',
  },
};
const SQL = 'SELECT u, d, v FROM m';
const SIGNAL = { kind: 'signal' as const, name: 'finished', source: 'src', table: 'signals', pollEvery: '15m' };

let sourceUrl: string;
let sourceEnv: string;
let source: pg.Client;

beforeAll(async () => {
  const config = await seededSource('postgres', [
    'CREATE TABLE m (u text, d date, v double precision)',
    "INSERT INTO m SELECT 'u' || g, DATE '2026-10-01' + (g % 9), g FROM generate_series(1, 900) AS g",
    'CREATE TABLE signals (finished_date date)',
    "INSERT INTO signals VALUES (DATE '2026-10-05'), (DATE '2026-10-06')",
  ]);
  sourceEnv = (config as { url: { env: string } }).url.env;
  sourceUrl = process.env[sourceEnv] as string;
  source = new pg.Client({ connectionString: sourceUrl });
  await source.connect();
});
afterAll(async () => source.end());

function project(): EngineContext['project'] {
  const p = makeProject(
    tempDir(),
    [{ kind: 'postgres', name: 'src', url: { env: sourceEnv } }],
    [loadedMapping(mapping, SQL)],
  );
  p.schedules.set('finished', { config: SIGNAL, file: 'schedules/finished.ts' });
  return p;
}

const loadedDays = async (ctx: EngineContext) =>
  (await ctx.store.ledger({ ingestion: 'm' })).map((e) => `${e.date} ${e.status} ${e.rowsLoaded}`);

describe('a signal-scheduled mapping', () => {
  it(
    'backfills and runs only up to the latest finished_date; the signal then loads the rest as it advances',
    { timeout: 60_000 },
    async () => {
      const ctx = engineContext(project(), await freshStore('duckdb'));
      try {
        const result = await backfill(ctx, 'm', { from: '2026-10-01', to: '2026-10-09' });
        expect(result.days.map((d) => d.day)).toEqual([
          '2026-10-01',
          '2026-10-02',
          '2026-10-03',
          '2026-10-04',
          '2026-10-05',
          '2026-10-06',
        ]);
        expect(result.waiting).toEqual({
          days: ['2026-10-07', '2026-10-08', '2026-10-09'],
          reason: expect.stringContaining(
            'marks days finished up to 2026-10-06 (its latest finished_date); later days wait for the signal',
          ),
        });
        await expect(ingestDay(ctx, 'm', '2026-10-08')).rejects.toThrow(
          "Cannot load m for 2026-10-08: 'm' is on signal schedule 'finished'",
        );
        expect((await loadedDays(ctx)).at(-1)).toBe('2026-10-06 succeeded 100');
        expect(await loadedDays(ctx)).toHaveLength(6);

        // Late rows land for 2026-10-07 and 2026-10-08, then the signal advances to 2026-10-08.
        await source.query(
          "INSERT INTO m SELECT 'late' || g, DATE '2026-10-07' + (g % 2), g FROM generate_series(1, 6) AS g",
        );
        await source.query("INSERT INTO signals VALUES (DATE '2026-10-08')");
        const clock = new ManualClock(new Date('2026-10-10T12:00:00Z'));
        const scheduler = await Scheduler.open(
          schedulerSetupFromProject(ctx.project),
          engineSchedulerDeps({ ...ctx, trigger: 'signal' }, new MemorySchedulerState(), clock),
        );
        await scheduler.runDue();
        await scheduler.drain();
        expect((await loadedDays(ctx)).slice(6)).toEqual(['2026-10-07 succeeded 103', '2026-10-08 succeeded 103']);
      } finally {
        await ctx.connectors.closeAll();
        await ctx.store.close();
        await source.query("DELETE FROM signals WHERE finished_date > DATE '2026-10-06'");
        await source.query("DELETE FROM m WHERE u LIKE 'late%'");
      }
    },
  );

  it('apply loads its initial backfill only up to the signal', { timeout: 120_000 }, async () => {
    const cli = cliProject({
      store: `{ kind: 'duckdb', path: 'store.duckdb' }`,
      mapping,
      sql: SQL,
      env: { SOURCE_URL: sourceUrl },
      schedule: JSON.stringify(SIGNAL),
    });
    const plan = await ingestIn(cli, ['plan']);
    expect(plan.out).toContain("at most up to the latest finished_date of signal schedule 'finished'");
    const applied = await ingestIn(cli, ['apply', '--auto-approve']);
    expect(applied.code, applied.out).toBe(0);
    const store = await openStore({ kind: 'duckdb', path: `${cli.root}/store.duckdb` }, cli.root);
    try {
      const days = (await store.ledger({ ingestion: 'm' })).map((e) => e.date);
      expect(days).toEqual(['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06']);
    } finally {
      await store.close();
    }
  });
});
