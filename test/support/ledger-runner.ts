/**
 * A data-action runner over a real store that records what it was asked and writes ledger
 * rows for the days it "loads", the way the engine does, so later plans see those days as
 * loaded. It stands in for the engine at apply's boundary; it is not a mock of the code under
 * test. `failOn` makes a chosen ingestion's load fail.
 */
import type { DataActionRunner } from '../../framework/apply/runner.js';
import { timestampParam } from '../../framework/state/sql-values.js';
import type { StoreConnection } from '../../framework/store/types.js';
import { dayRange } from '../../framework/util/time.js';

export interface RunnerCall {
  op: 'backfill' | 'drop';
  mapping: string;
  from?: string;
  to?: string;
  trigger?: string;
}

/** The ledger columns planning reads (the engine's ledger table has these among others). */
export const LEDGER_DDL = `CREATE TABLE IF NOT EXISTS ledger (ingestion VARCHAR NOT NULL, "date" DATE NOT NULL, status VARCHAR NOT NULL, first_loaded_at TIMESTAMP)`;

export interface LedgerRunnerOptions {
  /** First-load time of a newly loaded day (default: now). */
  firstLoadedAt?: (day: string) => Date;
  failOn?: string;
}

export function ledgerRunner(connection: StoreConnection, options: LedgerRunnerOptions = {}) {
  const calls: RunnerCall[] = [];
  const runner: DataActionRunner = {
    async ready() {},
    async backfill(mapping, from, to, trigger) {
      calls.push({ op: 'backfill', mapping, from, to, trigger });
      if (options.failOn === mapping) throw new Error(`warehouse unreachable while loading ${mapping}`);
      await connection.exec(LEDGER_DDL);
      await connection.transaction(async (tx) => {
        for (const day of dayRange(from, to)) {
          const [prior] = await tx.query<{ first_loaded_at: Date | null }>(
            `SELECT first_loaded_at FROM ledger WHERE ingestion = $1 AND "date" = CAST($2 AS DATE)`,
            [mapping, day],
          );
          await tx.query(`DELETE FROM ledger WHERE ingestion = $1 AND "date" = CAST($2 AS DATE)`, [mapping, day]);
          const first = prior?.first_loaded_at ?? options.firstLoadedAt?.(day) ?? new Date();
          await tx.query(`INSERT INTO ledger VALUES ($1, CAST($2 AS DATE), 'succeeded', CAST($3 AS TIMESTAMP))`, [
            mapping,
            day,
            timestampParam(first),
          ]);
        }
      });
    },
    async drop(mapping) {
      calls.push({ op: 'drop', mapping });
      await connection.exec(LEDGER_DDL);
      await connection.query('DELETE FROM ledger WHERE ingestion = $1', [mapping]);
    },
  };
  return { runner, calls };
}
