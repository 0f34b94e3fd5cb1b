/**
 * The example project's main job: every demo ingestion up to 2026-11-20 loads, and the four
 * planted bad rows are rejected with their reasons while their days succeed.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../../framework/config/loader.js';
import { runAll } from '../../framework/engine/run-all.js';
import { ConnectorPool } from '../../framework/engine/connector-pool.js';
import { openStore } from '../../framework/store/open-store.js';
import { tempDir } from '../support/engine-fixture.js';

describe('ingest run --all on the example project', () => {
  it('loads the demo and reports the planted rejects', async () => {
    const { project } = await loadProject(resolve(import.meta.dirname, '../..'));
    if (!project) throw new Error('the example project does not load');
    const dir = tempDir();
    const demo = project.sources.get('demo')!;
    demo.config = { ...demo.config, path: join(dir, 'demo.duckdb') } as typeof demo.config;
    const store = await openStore({ kind: 'duckdb', path: join(dir, 'store.duckdb') }, dir);
    const ctx = { project, store, connectors: new ConnectorPool(project), trigger: 'manual' };
    try {
      const summaries = await runAll(ctx, { to: '2026-11-20' });
      const rejects = summaries.flatMap((s) => s.rejects.map((r) => [s.mapping, r.rule, r.count, r.days.join()]));
      expect(rejects).toEqual([
        ['app_events', 'event_name.too_long', 1, '2026-10-05'],
        ['app_events', 'user.no_id', 1, '2026-10-06'],
        ['checkout_conversion', 'denominator.null_in_ratio', 1, '2026-10-08'],
        ['daily_metrics', 'id_type.undeclared', 1, '2026-10-07'],
      ]);
      for (const s of summaries) {
        expect(s.days.failed).toBe(0);
        expect(s.days.succeeded + s.days.noData).toBe(51);
      }
      const [{ n }] = await store.query<{ n: number }>(
        "SELECT count(*) AS n FROM metrics WHERE ingestion = 'daily_metrics'",
      );
      expect(Number(n)).toBe(summaries.find((s) => s.mapping === 'daily_metrics')!.rowsLoaded);
      const again = await runAll(ctx, { to: '2026-11-20' });
      expect(again.every((s) => s.days.skipped === 51)).toBe(true);
    } finally {
      await ctx.connectors.closeAll();
      await store.close();
    }
  });
});
