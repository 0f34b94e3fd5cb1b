/**
 * The pull-request comment rendering of a plan: the one-line summary on top, one collapsible
 * <details> section per changed ingestion, SQL diffs in ```diff blocks. GitHub refuses
 * comments longer than 65,535 characters, so a longer plan keeps whole sections while they
 * fit and ends with a pointer to the full plan.
 */
import type { AttributeDiff, Plan, ResourceChange } from '../../plan/types.js';
import {
  contextLine,
  describeAction,
  affectedMappings,
  plural,
  shortActions,
  showValue,
  sqlOf,
  summaryLine,
  SYMBOL,
  visibleChanges,
} from './describe.js';

/** GitHub's limit on the body of an issue or pull-request comment. */
export const GITHUB_COMMENT_LIMIT = 65_535;

export interface MarkdownOptions {
  /** Where the full plan can be read (e.g. the workflow run); named in the truncation notice. */
  fullPlanUrl?: string;
  /** Maximum length in characters; GitHub's comment limit by default. */
  limit?: number;
}

/** Renders a plan as GitHub-flavoured Markdown, never longer than the limit. */
export function renderPlanMarkdown(plan: Plan, options: MarkdownOptions = {}): string {
  const limit = options.limit ?? GITHUB_COMMENT_LIMIT;
  const changes = visibleChanges(plan);
  const head = [
    `**${summaryLine(plan.summary)}**`,
    '',
    `<sub>${escapeHtml(contextLine(plan))}${plan.summary.unchanged ? ` · ${plural(plan.summary.unchanged, 'ingestion')} unchanged` : ''}</sub>`,
    '',
  ];
  if (changes.length === 0) head.push('No changes. The applied state matches the configuration.', '');
  const sections = changes.map(section);
  const full = [...head, ...sections].join('\n');
  if (full.length <= limit) return full;
  return truncated(head, sections, limit, options.fullPlanUrl);
}

function truncated(head: string[], sections: string[], limit: number, url?: string): string {
  const kept: string[] = [];
  let length = head.join('\n').length;
  const notice = (omitted: number) =>
    `\n> [!WARNING]\n> This plan is longer than GitHub's 65,535-character comment limit: ${plural(omitted, 'more ingestion')} not shown. ` +
    (url
      ? `[Read the full plan](${url}).`
      : 'Read the full plan in the workflow run (the `plan.json` artifact and job summary), or run `ingest plan` locally.');
  for (const s of sections) {
    if (length + s.length + 1 + notice(sections.length).length + 1 > limit) break;
    kept.push(s);
    length += s.length + 1;
  }
  return [...head, ...kept, notice(sections.length - kept.length)].join('\n');
}

function section(c: ResourceChange): string {
  const lines = [
    `<details><summary><code>${SYMBOL[c.action]} ${escapeHtml(c.address)}</code> — ${c.action}${c.dataActions.length ? ` · ${escapeHtml(shortActions(c))}` : ''}</summary>`,
    '',
    escapeMd(c.reason),
    '',
  ];
  const attributes = c.attributes.filter((a) => a.path !== 'sqlText');
  if (attributes.length)
    lines.push('| | Attribute | Before | After |', '|---|---|---|---|', ...attributes.map(row), '');
  const sql = sqlOf(c);
  if (sql) lines.push(`SQL \`${sql.file}\`:`, '', ...fenced('diff', sql.diff), '');
  const affects = affectedMappings(c);
  if (affects.length) lines.push(`- **Affects:** ${affects.map((a) => `<code>${escapeHtml(a)}</code>`).join(', ')}`);
  for (const a of c.dataActions) lines.push(`- **Data:** ${escapeMd(describeAction(a))}`);
  lines.push('', '</details>', '');
  return lines.join('\n');
}

function row(a: AttributeDiff): string {
  const sign = a.action === 'add' ? '+' : a.action === 'remove' ? '-' : '~';
  return `| ${sign} | \`${a.path}\` | ${cell(a.before)} | ${cell(a.after)} |`;
}

function cell(value: unknown): string {
  return value === undefined ? '' : `\`${showValue(value).replace(/\|/g, '\\|').replace(/`/g, "'")}\``;
}

/** A fenced code block whose fence is longer than any backtick run inside. */
function fenced(lang: string, body: string): string[] {
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${lang}`, body, fence];
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeMd(text: string): string {
  return escapeHtml(text).replace(/([*_`|])/g, '\\$1');
}
