/**
 * Notifications to an ingestion's owners: a day failed, a day had no data (optional), a
 * failing day recovered, or a configuration commit was refused. One event type, several
 * channels (Slack incoming webhook, SMTP e-mail, generic JSON webhook), each a Notifier.
 */
import type { DayStatus } from '../store/types.js';

export type NotificationKind = 'failure' | 'no_data' | 'recovery' | 'config_rejected' | 'experiment_failure';

/** What happened; every channel renders it its own way. Messages are redacted before sending. */
export interface NotificationEvent {
  kind: NotificationKind;
  project: string;
  /** The ingestion (absent for config_rejected and experiment_failure). */
  ingestion?: string;
  /** The experiment whose pipeline run failed (experiment_failure). */
  experiment?: string;
  day?: string;
  /** The new status of the day (absent for config_rejected). */
  status?: DayStatus;
  /** The error, or what was refused and why. */
  detail?: string;
  /** What to do about a failure, when Wharf knows. */
  hint?: string;
  owner?: string;
  /** Git commit the event relates to, when known. */
  commitSha?: string | null;
  at: string;
}

/** One delivery channel. `send` throws when the channel refused or could not be reached. */
export interface Notifier {
  readonly kind: string;
  send(event: NotificationEvent): Promise<void>;
}
