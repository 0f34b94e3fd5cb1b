/** What the map/validate stage makes of one source row: a record to load, or a reject. */
import type { EventRecord, MetricRecord } from '../store/schema.js';

export interface RowProblem {
  /** Target column the rule applies to. */
  column: string;
  /** Stable rule code, `<column>.<rule>`. */
  rule: string;
  /** Human-readable reason, naming the value. */
  reason: string;
}

export type Mapped<R> = { ok: true; record: R } | { ok: false; problem: RowProblem };

export type MappedMetric = Mapped<MetricRecord>;
export type MappedEvent = Mapped<EventRecord>;

export const reject = (column: string, rule: string, reason: string): { ok: false; problem: RowProblem } => ({
  ok: false,
  problem: { column, rule: `${column}.${rule}`, reason },
});

/** A problem found by a column check. */
export const problem = (column: string, rule: string, reason: string): RowProblem => ({
  column,
  rule: `${column}.${rule}`,
  reason,
});

/** Whether a column check's result is a problem (checks return the value otherwise). */
export function isProblem(value: unknown): value is RowProblem {
  return value !== null && typeof value === 'object' && 'rule' in value && 'reason' in value;
}

export const failed = (p: RowProblem): { ok: false; problem: RowProblem } => ({ ok: false, problem: p });
