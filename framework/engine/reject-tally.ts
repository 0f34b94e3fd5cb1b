/** Counts rejects per rule and keeps the first reason of each, for the ledger and summaries. */
import type { RowProblem } from './mapped-row.js';

export class RejectTally {
  readonly counts: Record<string, number> = {};
  readonly examples: Record<string, string> = {};
  total = 0;

  add(problem: RowProblem, n = 1): void {
    this.total += n;
    this.counts[problem.rule] = (this.counts[problem.rule] ?? 0) + n;
    this.examples[problem.rule] ??= `${problem.column}: ${problem.reason}`;
  }

  /** A one-line summary: `rule ×n (example), …`. */
  describe(): string {
    return Object.entries(this.counts)
      .map(([rule, n]) => `${rule} ×${n} (${this.examples[rule]})`)
      .join('; ');
  }
}
