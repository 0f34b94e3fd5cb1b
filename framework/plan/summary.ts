/** Totals of a plan, for the summary line every view starts or ends with. */
import { followsOnly } from './shared-changes.js';
import type { PlanSummary, ResourceChange } from './types.js';

/**
 * Counts changes by action (a mapping that only follows a source/schedule change is counted there), and days to load
 * and to drop.
 */
export function summarize(changes: readonly ResourceChange[]): PlanSummary {
  const s: PlanSummary = { add: 0, change: 0, remove: 0, unchanged: 0, daysToLoad: 0, daysToDrop: 0 };
  for (const c of changes) {
    if (followsOnly(c)) continue;
    if (c.action === 'create') s.add++;
    else if (c.action === 'update') s.change++;
    else if (c.action === 'delete') s.remove++;
    else s.unchanged++;
    for (const a of c.dataActions) {
      if (a.kind === 'load') s.daysToLoad += a.days;
      if (a.kind === 'drop') s.daysToDrop += a.days;
    }
  }
  return s;
}

/** True when applying the plan would change anything (state or data). */
export function hasChanges(summary: PlanSummary): boolean {
  return summary.add + summary.change + summary.remove > 0;
}
