/**
 * The public JSON rendering of a plan (`--json`, `--format json`, `--out`): the plan data as
 * is, canonical and versioned by `formatVersion` (docs/plan.md describes every field).
 */
import { serializePlan } from '../../plan/plan-file.js';
import type { Plan } from '../../plan/types.js';

export function renderPlanJson(plan: Plan): string {
  return serializePlan(plan).trimEnd();
}
