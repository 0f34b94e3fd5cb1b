/**
 * What the DuckDB store's columnar loads (events and metrics) share: the hooks their day load
 * gives them, and the tally they keep over the day's files — rows read and loaded, the sum of
 * the rows' fingerprints, and the rejects of each rule in the order the rule was first met
 * (as the row path counts them).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { RejectRecord } from '../schema.js';
import type { RejectProblem } from '../types.js';

/** What the day load that owns a columnar load provides to it. */
export interface CsvDayLoadHooks {
  /** Settles once the store is ready for the load (see load-threads.ts). */
  ready?: Promise<void>;
  appendRejects: (rejects: RejectRecord[]) => Promise<void>;
  /**
   * Events loads: a second connection to the same database, outside the day's transaction and
   * owned (closed) by the day load, on which a file's distinct texts are read while its rows
   * are inserted (see event-csv-load.ts). Without it the two run one after the other.
   */
  sideConnection?: () => Promise<DuckDBConnection>;
  /**
   * Events loads: the caller drops the rows whose timeuuid repeats an earlier row's (the
   * PostgreSQL store's staging, which sends each file's rows on before the next is read); the
   * load then stores every row it accepts.
   */
  callerDropsRepeats?: boolean;
}

export interface RuleCount {
  problem: RejectProblem;
  n: number;
}

export class CsvLoadTally {
  rowsRead = 0;
  rowsLoaded = 0;
  private fingerprint: bigint | null = null;
  private readonly rules = new Map<string, RuleCount>();

  /** Adds a file's fingerprints (its `fp` column): an INSERT returns no aggregate, so this reads the file again. */
  async addFileFingerprint(connection: DuckDBConnection, csv: string): Promise<void> {
    const [[sum]] = (await connection.runAndReadAll(`SELECT CAST(sum(fp) AS VARCHAR) FROM ${csv}`)).getRows();
    if (sum !== null) this.addFingerprint(BigInt(sum as string));
  }

  addFingerprint(term: bigint | null): void {
    if (term !== null) this.fingerprint = (this.fingerprint ?? 0n) + term;
  }

  /** Counts one rejected row under its rule. */
  count(problem: RejectProblem): void {
    const seen = this.rules.get(problem.rule);
    if (seen) seen.n += 1;
    else this.rules.set(problem.rule, { problem, n: 1 });
  }

  fingerprintSum(): string | null {
    return this.fingerprint?.toString() ?? null;
  }

  /** The rejects of each rule, in the order the rules were first met. */
  problems(): RuleCount[] {
    return [...this.rules.values()];
  }
}
