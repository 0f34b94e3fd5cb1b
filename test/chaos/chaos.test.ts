/**
 * The chaos script (bench/chaos.ts) at a small size: random SIGKILLs of `ingest run` and
 * `ingest backfill` on a DuckDB and a PostgreSQL store, four concurrent `ingest run`s of the
 * same day on each store, and the agent API races. Every day must then equal the source:
 * 0 rows lost, 0 duplicated, ledger and table in agreement.
 */
import { describe, expect, it } from 'vitest';
import { runChaos } from '../../bench/chaos.js';
import { createTestDatabase } from '../support/postgres.js';

describe('chaos run (small)', () => {
  it('loses and duplicates no row through kills and API races', { timeout: 180_000 }, async () => {
    const lines: string[] = [];
    const seed = Date.now() % 100_000;
    const report = await runChaos({
      stores: ['duckdb', 'postgres'],
      rounds: 2,
      days: 2,
      seed,
      concurrentSameDay: 4,
      postgresUrl: await createTestDatabase('wharf_chaos'),
      api: { markCalls: 200, statusCalls: 200, backfillCalls: 40 },
      log: (line) => lines.push(line),
    });
    const context = `seed ${seed}\n${lines.join('\n')}`;
    expect(report.failures, context).toEqual([]);
    expect(report.lost, context).toBe(0);
    expect(report.duplicated, context).toBe(0);
    expect(report.stores.flatMap((s) => s.check.days)).toHaveLength(2 * 2 * 2);
    expect(report.api?.mark[202], context).toBe(1);
  });
});
