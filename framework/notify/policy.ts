/**
 * When to notify: a day that fails (once, not again on every retry of the same failure), a day
 * with no data (only when `onNoData`), and a day that failed before and now succeeded
 * (`onRecovery`). Defaults from the config: onFailure true, onNoData false, onRecovery true.
 */
import type { NotificationPolicy } from '../config/types.js';
import type { DayStatus } from '../store/types.js';
import type { NotificationKind } from './types.js';

/** Which notification, if any, a day's new status calls for, given its previous status. */
export function notificationFor(
  previous: DayStatus | undefined,
  current: DayStatus,
  policy: NotificationPolicy,
): NotificationKind | null {
  if (current === 'failed') return previous !== 'failed' && (policy.onFailure ?? true) ? 'failure' : null;
  if (previous === 'failed') return (policy.onRecovery ?? true) ? 'recovery' : null;
  if (current === 'no_data' && previous !== 'no_data') return (policy.onNoData ?? false) ? 'no_data' : null;
  return null;
}

/** Whether a refused configuration commit is reported (it is a failure of the repository). */
export function notifyConfigRejected(policy: NotificationPolicy): boolean {
  return policy.onFailure ?? true;
}
