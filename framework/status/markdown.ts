/** Markdown renderings of status files: one page per ingestion and the README overview (pure). */
import { errorText } from './status-day.js';
import type { ConfigStatus, IngestionStatusFile, StatusDay } from './types.js';
import { compareText } from '../util/text-order.js';

/** How many of the latest days the README shows per ingestion. */
export const README_LATEST_DAYS = 7;

const LABEL: Record<StatusDay['status'], string> = {
  succeeded: '✅ succeeded',
  no_data: '⚪ no data',
  failed: '❌ failed',
};
const MARK: Record<StatusDay['status'], string> = { succeeded: '✅', no_data: '⚪', failed: '❌' };

const num = (n: number | null) => (n === null ? '–' : n.toLocaleString('en-US'));

/** A table cell: pipes and newlines would break the table. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} m ${Math.round(s % 60)} s`;
}

/** Rows loaded, and the duplicates dropped when there were any. */
function loaded(day: StatusDay): string {
  if (!day.duplicates) return num(day.rowsLoaded);
  return `${num(day.rowsLoaded)} (${num(day.duplicates)} duplicate${day.duplicates === 1 ? '' : 's'} dropped)`;
}

function reasons(day: StatusDay): string {
  if (day.rowsRejected === 0) return '0';
  const top = day.topRejectReasons.map((r) => `${r.rule} ×${num(r.count)}`).join(', ');
  return `${num(day.rowsRejected)} (${top})`;
}

/** `status/<mapping>.md`: the ingestion's days, newest first. */
export function ingestionMarkdown(file: IngestionStatusFile, chart?: string): string {
  const s = file.summary;
  const lines = [
    `# ${file.ingestion}`,
    '',
    `Dataset \`${file.dataset}\`, schedule \`${file.schedule}\`${file.owner ? `, owner ${file.owner}` : ''}.`,
    `${s.days} days: ${s.succeeded} succeeded, ${s.noData} with no data, ${s.failed} failed. Last successful day: ${s.lastSuccessfulDay ?? 'none'}.`,
    '',
    ...(chart
      ? [
          `![Load status of ${file.ingestion} for the last 90 days: each day succeeded (✓), reloaded after a recheck (◇), had no data (–), failed (×) or was not loaded](${chart})`,
          '',
        ]
      : []),
    '| Day | Status | Rows loaded | Rows rejected (top reasons) | Source rows | Duration | Error |',
    '| --- | --- | ---: | --- | ---: | ---: | --- |',
  ];
  for (const d of file.days) {
    const error = d.error ? cell(errorText({ ...d, error: d.error })) : '';
    lines.push(
      `| ${d.date} | ${LABEL[d.status]} | ${loaded(d)} | ${cell(reasons(d))} | ${num(d.sourceRowCount)} | ${duration(d.durationMs)} | ${error} |`,
    );
  }
  if (file.days.length === 0) lines.push('| – | nothing loaded yet | | | | | |');
  return lines.join('\n') + '\n';
}

/** Failing ingestions (latest day failed) first, then those with any failed day, then by name. */
function rank(f: IngestionStatusFile): number {
  if (f.days[0]?.status === 'failed') return 0;
  return f.summary.failed > 0 ? 1 : 2;
}

function configSection(config: ConfigStatus | undefined): string[] {
  if (!config) return [];
  const lines = [
    '## Configuration',
    '',
    `Running commit: ${config.appliedCommit ? `\`${config.appliedCommit}\`` : 'none yet'}.`,
  ];
  if (config.rejected) {
    lines.push(
      '',
      `❌ Commit \`${config.rejected.sha}\` was not applied because it does not validate; the previous configuration keeps running.`,
      '',
    );
    for (const p of config.rejected.problems) lines.push(`- ${p.replace(/\r?\n/g, ' ')}`);
  }
  return [...lines, ''];
}

/** `status/README.md`: every ingestion with its latest days; failing ones on top. */
export function readmeMarkdown(
  files: IngestionStatusFile[],
  config: ConfigStatus | undefined,
  fileBase: (name: string) => string,
): string {
  const sorted = [...files].sort((a, b) => rank(a) - rank(b) || compareText(a.ingestion, b.ingestion));
  const failing = sorted.filter((f) => rank(f) === 0).length;
  const lines = [
    '# Ingestion status',
    '',
    failing
      ? `❌ ${failing} of ${files.length} ingestions failed on their latest day.`
      : `${files.length} ingestions, none failing on its latest day.`,
    '',
  ];
  lines.push(...configSection(config));
  lines.push(
    `| Ingestion | Dataset | Latest day | Status | Last ${README_LATEST_DAYS} days (oldest → newest) | Failed days | Last successful day |`,
  );
  lines.push('| --- | --- | --- | --- | --- | ---: | --- |');
  for (const f of sorted) {
    const latest = f.days[0];
    const recent =
      f.days
        .slice(0, README_LATEST_DAYS)
        .reverse()
        .map((d) => MARK[d.status])
        .join('') || '–';
    const name = `[${f.ingestion}](${fileBase(f.ingestion)}.md)`;
    lines.push(
      `| ${name} | ${f.dataset} | ${latest?.date ?? '–'} | ${latest ? LABEL[latest.status] : 'not loaded yet'} | ${recent} | ${f.summary.failed} | ${f.summary.lastSuccessfulDay ?? '–'} |`,
    );
  }
  lines.push('', 'Written by the Wharf agent; changes to this folder are overwritten.');
  return lines.join('\n') + '\n';
}
