/**
 * An empty result never replaces loaded data without a reason, on both stores with a real
 * PostgreSQL source: a day that had rows and now returns none is kept and failed (unless
 * allowEmpty); a `no_data` day recorded before its schedule's cutoff is retried by backfill;
 * a day that has not ended is refused and recorded nowhere.
 */
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MetricsMapping } from '../../framework/config/types.js';
import { backfill } from '../../framework/engine/backfill.js';
import { mappingConfigHash } from '../../framework/engine/config-hash.js';
import { ingestDay } from '../../framework/engine/ingest-day.js';
import type { EngineContext } from '../../framework/engine/types.js';
import type { LedgerEntry } from '../../framework/store/types.js';
import { addDays, latestCompleteDay, zoneOrThrow } from '../../framework/util/time.js';
import {
  engineContext,
  freshStore,
  loadedMapping,
  makeProject,
  seededSource,
  tempDir,
  type StoreKind,
} from '../support/engine-fixture.js';

const DAY = '2026-10-05';
const mapping: MetricsMapping = {
  name: 'm',
  dataset: 'metrics',
  source: 'src',
  sql: './m.sql',
  schedule: 'daily',
  startDate: '2026-10-01',
  columns: {
    unit_id: 'unit_id',
    id_type: { constant: 'user_id' },
    date: 'ds',
    metric_name: { constant: 'revenue' },
    metric_value: 'v',
  },
};
const SQL = 'SELECT unit_id, ds, v FROM m';

describe.each(['duckdb', 'postgres'] as StoreKind[])('empty days (%s store)', (storeKind) => {
  let ctx: EngineContext;
  let source: pg.Client;

  beforeEach(async () => {
    const config = await seededSource('postgres', [
      'CREATE TABLE m (unit_id text, ds date, v double precision)',
      `INSERT INTO m SELECT 'u' || g, DATE '${DAY}', g FROM generate_series(1, 40) AS g`,
    ]);
    source = new pg.Client({ connectionString: process.env[(config as { url: { env: string } }).url.env] });
    await source.connect();
    const project = makeProject(tempDir(), [config], [loadedMapping(mapping, SQL)], {});
    project.schedules.set('daily', {
      config: { kind: 'daily', name: 'daily', at: '09:00', cutoff: '12h' },
      file: 'schedules/daily.ts',
    });
    ctx = engineContext(project, await freshStore(storeKind));
  });
  afterEach(async () => {
    await source.end();
    await ctx.connectors.closeAll();
    await ctx.store.close();
  });

  const count = async (day: string) =>
    Number(
      (
        await ctx.store.query<{ n: number }>(`SELECT count(*) AS n FROM metrics WHERE "date" = CAST($1 AS DATE)`, [day])
      )[0].n,
    );

  it('keeps a loaded day whose query now returns no rows, and fails it naming what it had', async () => {
    expect((await ingestDay(ctx, 'm', DAY)).status).toBe('succeeded');
    const [before] = await ctx.store.ledger();
    await source.query('DELETE FROM m');
    const result = await ingestDay(ctx, 'm', DAY);
    expect(result).toMatchObject({ status: 'failed', errorClass: 'validation' });
    expect(result.errorMessage).toContain('the query returned no rows for a day that had 40 rows');
    expect(result.errorMessage).toContain('--allow-empty');
    expect(await count(DAY)).toBe(40);
    expect(await ctx.store.ledger()).toEqual([before]);
    expect((await ctx.store.attempts()).map((a) => a.status)).toEqual(['succeeded', 'failed']);

    const accepted = await ingestDay({ ...ctx, allowEmpty: true }, 'm', DAY);
    expect(accepted.status).toBe('no_data');
    expect(await count(DAY)).toBe(0);
  });

  it('retries a no_data day recorded before its cutoff, and skips one recorded after', async () => {
    const hash = mappingConfigHash(ctx.project.mappings.get('m')!, ctx.project.settings);
    // 2026-10-05 PST ends 2026-10-06T08:00Z; its window is 09:00 PST (17:00Z) on 2026-10-06, the cutoff 12 h later.
    const noData = (date: string, finishedAt: string): LedgerEntry => ({
      ingestion: 'm',
      date,
      status: 'no_data',
      errorClass: null,
      errorMessage: null,
      errorHint: null,
      rowsLoaded: 0,
      rowsRejected: 0,
      rejectReasons: {},
      duplicates: 0,
      sourceRowCount: 0,
      sourceFingerprint: null,
      configHash: hash,
      commitSha: null,
      trigger: 'manual',
      startedAt: new Date(finishedAt),
      finishedAt: new Date(finishedAt),
      firstLoadedAt: null,
      loadId: `l-${date}`,
    });
    await ctx.store.recordDayOutcome(noData(DAY, '2026-10-07T04:59:59Z'));
    await ctx.store.recordDayOutcome(noData('2026-10-04', '2026-10-06T05:00:00Z'));
    const result = await backfill(ctx, 'm', { from: '2026-10-04', to: DAY });
    expect(result.days.map((d) => [d.day, d.status, d.rowsLoaded])).toEqual([
      ['2026-10-04', 'skipped', 0],
      [DAY, 'succeeded', 40],
    ]);
    expect(await count(DAY)).toBe(40);
  });

  it('refuses a day that has not ended, recording nothing', async () => {
    const tomorrow = addDays(latestCompleteDay(new Date(), zoneOrThrow('PST')), 2);
    await expect(ingestDay(ctx, 'm', tomorrow)).rejects.toThrow(
      /the latest complete day in the project zone \(PST\) is \d{4}-\d{2}-\d{2}/,
    );
    await expect(backfill(ctx, 'm', { from: DAY, to: tomorrow })).rejects.toThrow(`Cannot load m for ${tomorrow}`);
    expect(await ctx.store.ledger()).toEqual([]);
    expect(await ctx.store.attempts()).toEqual([]);
  });
});
