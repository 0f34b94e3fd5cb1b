/** The human text of a notification, shared by every channel (pure). */
import { redactSecrets } from '../diagnostics/redact.js';
import type { NotificationEvent } from './types.js';

const TITLE: Record<NotificationEvent['kind'], string> = {
  failure: '❌ Ingestion failed',
  no_data: '⚪ Ingestion succeeded with no data',
  recovery: '✅ Ingestion recovered',
  config_rejected: '❌ Configuration commit not applied',
  experiment_failure: '❌ Experiment run failed',
};

/** A one-line subject, e.g. `[wharf-demo] ❌ Ingestion failed: app_events 2024-03-03`. */
export function subjectOf(e: NotificationEvent): string {
  const what = e.experiment
    ? `: ${e.experiment}${e.day ? ` ${e.day}` : ''}`
    : e.ingestion
      ? `: ${e.ingestion}${e.day ? ` ${e.day}` : ''}`
      : e.commitSha
        ? `: ${e.commitSha.slice(0, 12)}`
        : '';
  return redactSecrets(`[${e.project}] ${TITLE[e.kind]}${what}`);
}

/** Subject plus details, plain text. */
export function bodyOf(e: NotificationEvent): string {
  const lines = [subjectOf(e)];
  if (e.kind === 'recovery') lines.push(`The day now has status ${e.status}.`);
  if (e.kind === 'no_data') lines.push('The source had no rows for this day when the check window closed.');
  if (e.kind === 'config_rejected')
    lines.push('The previous configuration keeps running until a valid commit arrives.');
  if (e.kind === 'experiment_failure')
    lines.push('The experiment report keeps the results of its last successful run; ingestion goes on.');
  if (e.detail) lines.push('', e.detail);
  if (e.hint) lines.push('', e.hint);
  if (e.commitSha) lines.push('', `Commit: ${e.commitSha}`);
  if (e.owner) lines.push(`Owner: ${e.owner}`);
  return redactSecrets(lines.join('\n'));
}
