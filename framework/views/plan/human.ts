/**
 * The terminal rendering of a plan, Terraform-style: `+` to add, `~` to change with each
 * attribute and the SQL diff, `-` to remove, the data actions under each, and the count of
 * unchanged ingestions. Colour only when asked (the command turns it on for a terminal).
 */
import pc from 'picocolors';
import type { AttributeDiff, Plan, ResourceChange } from '../../plan/types.js';
import {
  contextLine,
  describeAction,
  affectedMappings,
  plural,
  showValue,
  sqlOf,
  summaryLine,
  SYMBOL,
  visibleChanges,
} from './describe.js';

type Colors = ReturnType<typeof pc.createColors>;

/** Renders a plan for people; `color` adds ANSI colours. */
export function renderPlanHuman(plan: Plan, options: { color?: boolean } = {}): string {
  const c = pc.createColors(options.color ?? false);
  const changes = visibleChanges(plan);
  const out = [c.dim(contextLine(plan)), ''];
  if (changes.length === 0) out.push('No changes. The applied state matches the configuration.', '');
  else out.push('Wharf will perform the following actions:', '');
  for (const change of changes) out.push(...renderChange(change, c), '');
  if (plan.summary.unchanged) out.push(c.dim(`${plural(plan.summary.unchanged, 'ingestion')} unchanged.`), '');
  out.push(c.bold(summaryLine(plan.summary)));
  return out.join('\n');
}

function renderChange(change: ResourceChange, c: Colors): string[] {
  const paint = change.action === 'create' ? c.green : change.action === 'delete' ? c.red : c.yellow;
  const lines = [`  ${paint(SYMBOL[change.action])} ${c.bold(change.address)}  ${c.dim(change.reason)}`];
  for (const a of change.attributes) if (a.path !== 'sqlText') lines.push(`      ${attributeLine(a, c)}`);
  const sql = sqlOf(change);
  if (sql)
    lines.push(
      `      ${paint(SYMBOL[change.action === 'create' ? 'create' : 'update'])} sql: ${sql.file}`,
      ...diffLines(sql.diff, c),
    );
  const affects = affectedMappings(change);
  if (affects.length) lines.push(`      ${c.cyan('affects:')} ${affects.join(', ')}`);
  for (const a of change.dataActions) lines.push(`      ${c.cyan('data:')} ${describeAction(a)}`);
  return lines;
}

function attributeLine(a: AttributeDiff, c: Colors): string {
  if (a.action === 'add') return `${c.green('+')} ${a.path} = ${showValue(a.after)}`;
  if (a.action === 'remove') return `${c.red('-')} ${a.path} = ${showValue(a.before)}`;
  return `${c.yellow('~')} ${a.path}: ${showValue(a.before)} → ${showValue(a.after)}`;
}

function diffLines(diff: string, c: Colors): string[] {
  return diff.split('\n').map((line) => {
    const paint =
      line.startsWith('+++') || line.startsWith('---')
        ? c.bold
        : line.startsWith('+')
          ? c.green
          : line.startsWith('-')
            ? c.red
            : line.startsWith('@@')
              ? c.cyan
              : (s: string) => s;
    return `          ${paint(line)}`;
  });
}
