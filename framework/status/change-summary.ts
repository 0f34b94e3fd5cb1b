/**
 * The commit message of a status update: which ingestions' days changed and how, computed
 * from the previous and the new JSON files (pure), e.g.
 * `status: app_events 3 days (2024-01-01..2024-01-03: 2 succeeded, 1 failed)`.
 */
import type { IngestionStatusFile, StatusDay } from './types.js';
import { compareText } from '../util/text-order.js';

function parse(text: string | undefined): IngestionStatusFile | null {
  if (text === undefined) return null;
  try {
    const value = JSON.parse(text) as IngestionStatusFile;
    return Array.isArray(value.days) ? value : null;
  } catch {
    return null;
  }
}

const sameDay = (a: StatusDay | undefined, b: StatusDay) => a !== undefined && JSON.stringify(a) === JSON.stringify(b);

/** The days of `next` that are new or differ from `previous`, oldest first. */
export function changedDays(previous: IngestionStatusFile | null, next: IngestionStatusFile): StatusDay[] {
  const before = new Map((previous?.days ?? []).map((d) => [d.date, d]));
  return next.days.filter((d) => !sameDay(before.get(d.date), d)).sort((a, b) => compareText(a.date, b.date));
}

function describeDays(days: StatusDay[]): string {
  const counts = new Map<string, number>();
  for (const d of days) counts.set(d.status, (counts.get(d.status) ?? 0) + 1);
  const parts = [...counts].map(([status, n]) => `${n} ${status === 'no_data' ? 'no data' : status}`);
  const range = days.length === 1 ? days[0].date : `${days[0].date}..${days[days.length - 1].date}`;
  return `${days.length} day${days.length === 1 ? '' : 's'} (${range}: ${parts.join(', ')})`;
}

/**
 * One commit message for a set of file changes: a subject naming what changed, and a body
 * line per ingestion. `before` holds the previous contents (undefined for new files).
 */
export function statusCommitMessage(before: Map<string, string | undefined>, after: Map<string, string>): string {
  const lines: string[] = [];
  const other: string[] = [];
  for (const [path, text] of [...after].sort(([a], [b]) => compareText(a, b))) {
    if (before.get(path) === text) continue;
    const next = path.endsWith('.json') ? parse(text) : null;
    if (next && path !== 'state.json') {
      const days = changedDays(parse(before.get(path)), next);
      if (days.length) lines.push(`${next.ingestion} ${describeDays(days)}`);
      else if (before.get(path) === undefined) lines.push(`${next.ingestion} added`);
    } else if (path === 'state.json') other.push('state.json updated');
  }
  for (const [path, text] of before)
    if (text !== undefined && !after.has(path) && path.endsWith('.json'))
      lines.push(`${path.replace(/\.json$/, '')} removed`);
  const all = [...lines, ...other];
  if (all.length === 0) return 'status: refresh reports';
  const subject =
    all.length === 1
      ? `status: ${all[0]}`
      : `status: ${all.length} updates (${all.map((l) => l.split(' ')[0]).join(', ')})`;
  return all.length === 1 ? subject : `${subject}\n\n${all.map((l) => `- ${l}`).join('\n')}`;
}
