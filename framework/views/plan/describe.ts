/**
 * Wording shared by the plan views: summary lines, data actions and attribute values, so the
 * terminal and the pull-request comment say the same thing.
 */
import { followsOnly } from '../../plan/shared-changes.js';
import type { DataAction, Plan, PlanSummary, ResourceChange } from '../../plan/types.js';
import { plural } from '../../util/plural.js';

export const SYMBOL: Record<ResourceChange['action'], string> = { create: '+', update: '~', delete: '-', 'no-op': ' ' };

/** "Plan: 1 to add, 1 to change, 0 to remove, 52 days to load." (and days to drop when any). */
export function summaryLine(s: PlanSummary): string {
  const drop = s.daysToDrop ? `, ${plural(s.daysToDrop, 'day')} to drop` : '';
  return `Plan: ${s.add} to add, ${s.change} to change, ${s.remove} to remove, ${plural(s.daysToLoad, 'day')} to load${drop}.`;
}

/** The line under the summary: where the plan came from. */
export function contextLine(plan: Plan): string {
  const state = plan.state.serial === 0 ? 'empty state' : `state serial ${plan.state.serial}`;
  const targets = plan.options.targets.length ? `, targets: ${plan.options.targets.join(', ')}` : '';
  return `${plan.project}: ${state}, latest complete day ${plan.latestCompleteDay} (${plan.timeZone})${targets}`;
}

/** One data action in a sentence. */
export function describeAction(a: DataAction): string {
  if (a.kind === 'none') return a.reason;
  if (a.kind === 'drop') return `drop ${plural(a.days, 'loaded day')}: ${a.reason}`;
  const ranges = a.ranges.map((r) => (r.from === r.to ? r.from : `${r.from} → ${r.to}`)).join(', ');
  return `${a.purpose} ${ranges} (${plural(a.days, 'day')}): ${a.reason}`;
}

/** A short form for summaries: "backfill 52 days", "restate 3 days", "data kept". */
export function shortActions(c: ResourceChange): string {
  const parts = c.dataActions.map((a) =>
    a.kind === 'load'
      ? `${a.purpose} ${plural(a.days, 'day')}`
      : a.kind === 'drop'
        ? `drop ${plural(a.days, 'day')}`
        : c.action === 'delete'
          ? 'data kept'
          : 'no data action',
  );
  return parts.join(', ');
}

/** An attribute value as shown to people. */
export function showValue(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

// The plan views take plural from here with the rest of their vocabulary.
export { plural };

/**
 * Changes that are not no-ops, in plan order; a mapping that only follows a source/schedule change is shown under it.
 */
export function visibleChanges(plan: Plan): ResourceChange[] {
  return plan.changes.filter((c) => c.action !== 'no-op' && !followsOnly(c));
}

/** The SQL file and its diff of a mapping change, when its SQL changed or was added. */
export function sqlOf(c: ResourceChange): { file: string; diff: string } | null {
  if (c.type !== 'mapping' || !c.sqlDiff) return null;
  return { file: c.after?.sqlFile ?? c.before?.sqlFile ?? '', diff: c.sqlDiff };
}

/** The mappings a source or schedule change affects (a mapping's own reason says what it follows). */
export function affectedMappings(c: ResourceChange): string[] {
  return c.type === 'mapping' ? [] : c.affects;
}
