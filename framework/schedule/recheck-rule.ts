/**
 * The change-detection rule (seed: for 3 days after a day's first load, reload it when its
 * row count changed by more than 5%; the FAQ's 14 days / 1% is the same rule with other
 * numbers). Pure functions over a ledger entry and the warehouse's aggregates.
 */
import type { RecheckPolicy } from '../config/types.js';
import type { DayStats } from '../connectors/types.js';
import type { LedgerEntry } from '../store/types.js';

const DAY_MS = 86_400_000;

/** When the day's recheck window started: its first successful load (or its first outcome). */
export function recheckWindowStart(entry: LedgerEntry): Date {
  return entry.firstLoadedAt ?? entry.finishedAt;
}

/** Whether a ledger day is still inside its recheck window at `now`. Failed days are not rechecked. */
export function inRecheckWindow(entry: LedgerEntry, policy: Required<RecheckPolicy>, now: Date): boolean {
  if (entry.status === 'failed' || policy.days <= 0) return false;
  return now.getTime() < recheckWindowStart(entry).getTime() + policy.days * DAY_MS;
}

/** The verdict of one recheck: reload or not, and the reason in words. */
export interface RecheckVerdict {
  reload: boolean;
  reason: string;
}

/** Relative change of the count against the baseline; Infinity when data appears on an empty day. */
export function relativeChange(baseline: number, current: number): number {
  if (baseline === 0) return current === 0 ? 0 : Infinity;
  return Math.abs(current - baseline) / baseline;
}

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : 'from none');

/** Compares the warehouse's current aggregates with the baseline recorded at load time. */
export function judgeRecheck(entry: LedgerEntry, stats: DayStats, policy: Required<RecheckPolicy>): RecheckVerdict {
  const baseline = entry.sourceRowCount ?? 0;
  const change = relativeChange(baseline, stats.rowCount);
  const counts = `row count ${baseline} → ${stats.rowCount} (${pct(change)}, threshold ${pct(policy.threshold)})`;
  if (change > policy.threshold) return { reload: true, reason: `${counts}` };
  const fingerprintMoved =
    policy.reloadOnFingerprintChange &&
    entry.sourceFingerprint !== null &&
    stats.fingerprint !== null &&
    entry.sourceFingerprint !== stats.fingerprint;
  if (fingerprintMoved) return { reload: true, reason: `content fingerprint changed; ${counts}` };
  return { reload: false, reason: `unchanged within policy: ${counts}` };
}
