/**
 * Staleness: a saved plan may be applied only to the state and config it was made against.
 * Anything else changed in between (another apply, an edited module or SQL file) and the
 * plan no longer says what apply would do.
 */
import { WharfError } from '../diagnostics/errors.js';
import type { AppliedState } from '../state/types.js';
import type { Plan } from './types.js';

/** Why a plan is stale, or null when it is current. */
export function stalenessOf(
  plan: Plan,
  state: Pick<AppliedState, 'serial' | 'lineage'>,
  currentConfigHash: string,
): string | null {
  if (plan.state.lineage !== null && state.lineage !== plan.state.lineage) {
    return `it was made against state lineage ${plan.state.lineage}, but this store's state has lineage ${state.lineage ?? '(none)'}`;
  }
  if (state.serial !== plan.state.serial || (plan.state.lineage === null && state.lineage !== null)) {
    return `the state changed since it was made (serial ${plan.state.serial} then, ${state.serial} now)`;
  }
  if (currentConfigHash !== plan.configHash) return 'the configuration changed since it was made';
  return null;
}

/** Throws the error apply shows for a stale plan; changes nothing. */
export function assertCurrent(
  plan: Plan,
  state: Pick<AppliedState, 'serial' | 'lineage'>,
  currentConfigHash: string,
  file: string,
): void {
  const why = stalenessOf(plan, state, currentConfigHash);
  if (!why) return;
  throw new WharfError(`The saved plan ${file} is stale: ${why}. Nothing was applied.`, {
    code: 'plan.stale',
    errorClass: 'state',
    hint: 'Run `ingest plan --out <file>` again, review it, and apply the new plan.',
  });
}
