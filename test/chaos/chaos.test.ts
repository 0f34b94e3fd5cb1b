/**
 * The chaos script (bench/chaos.ts) at a small size: random SIGKILLs of `ingest run` and
 * `ingest backfill` on a DuckDB and a PostgreSQL store, four concurrent `ingest run`s of the
 * same day on each store, and the agent API races. Every day must then equal the source:
 * 0 rows lost, 0 duplicated, ledger and table in agreement.
 *
 * The seed is printed first; WHARF_CHAOS_SEED=<seed> runs the same one again. A stuck step
 * fails the test (not its timeout) with the run's log and the watchdog's description of it:
 * the watchdog's limits (a child 60 s, the run 180 s) sit below the test's timeout.
 */
import { describe, expect, it } from 'vitest';
import { runChaos, type ChaosReport } from '../../bench/chaos.js';
import { createTestDatabase } from '../support/postgres.js';

const SEED_ENV = 'WHARF_CHAOS_SEED';

describe('chaos run (small)', () => {
  it('loses and duplicates no row through kills and API races', { timeout: 240_000 }, async () => {
    const lines: string[] = [];
    const seed = Number(process.env[SEED_ENV] || Date.now() % 100_000);
    console.log(`chaos seed ${seed} (run it again with ${SEED_ENV}=${seed})`);
    let report: ChaosReport;
    try {
      report = await runChaos({
        stores: ['duckdb', 'postgres'],
        rounds: 2,
        days: 2,
        seed,
        concurrentSameDay: 4,
        postgresUrl: await createTestDatabase('wharf_chaos'),
        api: { markCalls: 200, statusCalls: 200, backfillCalls: 40 },
        log: (line) => lines.push(line),
        childLimitMs: 60_000,
        deadlineMs: 180_000,
      });
    } catch (err) {
      expect.fail(`${lines.join('\n')}\n${err instanceof Error ? err.message : String(err)}`);
    }
    const context = lines.join('\n');
    expect(report.failures, context).toEqual([]);
    expect(report.lost, context).toBe(0);
    expect(report.duplicated, context).toBe(0);
    expect(report.stores.flatMap((s) => s.check.days)).toHaveLength(2 * 2 * 2);
    expect(report.api?.mark[202], context).toBe(1);
  });
});
