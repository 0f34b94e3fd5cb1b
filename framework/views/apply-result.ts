/** The terminal report of an apply: what was recorded, which data actions ran, which wait in the queue. */
import pc from 'picocolors';
import type { QueuedAction } from '../apply/action-queue.js';
import type { ApplyResult } from '../apply/apply-plan.js';

/** Renders an apply result for people. */
export function renderApplyResult(result: ApplyResult, options: { color?: boolean } = {}): string {
  const c = pc.createColors(options.color ?? false);
  if (!result.changed) return 'No changes to apply. The state is unchanged.';
  const lines = [
    c.green(
      `Apply complete: ${result.added} added, ${result.changedIngestions} changed, ${result.removed} removed (state serial ${result.serial}).`,
    ),
  ];
  for (const a of result.ran) lines.push(`  ${c.green('✓')} ${describe(a)}`);
  if (result.failed) lines.push(`  ${c.red('✗')} ${describe(result.failed)}: ${result.failed.error}`);
  const waiting = result.queued.filter((a) => a.id !== result.failed?.id);
  for (const a of waiting) lines.push(`  ${c.dim('…')} ${describe(a)} (queued)`);
  if (result.failed)
    lines.push(
      c.red(
        'A data action failed; it and the ones after it stay queued for the agent to retry. The config change is recorded.',
      ),
    );
  else if (waiting.length)
    lines.push(c.dim(`${waiting.length} data action${waiting.length === 1 ? '' : 's'} queued for the agent.`));
  return lines.join('\n');
}

function describe(a: QueuedAction): string {
  if (a.kind === 'drop') return `drop ${a.ingestion}`;
  return `${a.kind} ${a.ingestion} ${a.from === a.to ? a.from : `${a.from} → ${a.to}`}`;
}
