/**
 * The one-line headline of a plan, used as the check-run title and the action's `summary`
 * output: "no changes", or "N to add, N to change, N to remove, N days to load". It is read from
 * the `summary` object of the plan's JSON (`ingest plan --json`).
 */
import { WharfError } from '../diagnostics/errors.js';

/** The counts a plan's JSON carries in its `summary` object. */
export interface PlanCounts {
  add: number;
  change: number;
  remove: number;
  daysToLoad: number;
}

/** "no changes" when nothing changes, else every count, zeros included, so titles line up. */
export function planHeadline(counts: PlanCounts): string {
  const { add, change, remove, daysToLoad } = counts;
  if (add + change + remove + daysToLoad === 0) return 'no changes';
  const days = daysToLoad === 1 ? 'day' : 'days';
  return `${add} to add, ${change} to change, ${remove} to remove, ${daysToLoad} ${days} to load`;
}

/** The counts from a plan's JSON text, with a clear error naming the missing field. */
export function readPlanCounts(json: string, source: string): PlanCounts {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    throw planJsonError(source, `is not valid JSON (${(err as Error).message})`);
  }
  const summary = (parsed as { summary?: Record<string, unknown> } | null)?.summary;
  if (!summary || typeof summary !== 'object') throw planJsonError(source, 'has no "summary" object');
  const count = (field: keyof PlanCounts): number => {
    const value = summary[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw planJsonError(source, `has no whole, non-negative summary.${field} (found ${JSON.stringify(value)})`);
    }
    return value;
  };
  return { add: count('add'), change: count('change'), remove: count('remove'), daysToLoad: count('daysToLoad') };
}

function planJsonError(source: string, problem: string): WharfError {
  return new WharfError(`Plan JSON ${source} ${problem}.`, {
    code: 'github.plan-json-invalid',
    errorClass: 'config',
    hint: 'Pass the output of `ingest plan --json` (or a plan file written with --out).',
  });
}
