import { describe, expect, it } from 'vitest';
import { sampleIngestion } from '../../../test/support/sample-ingestion.js';
import { makePlan } from '../../plan/make-plan.js';
import type { NormalizedIngestion } from '../../state/types.js';
import { emptyState } from '../../state/types.js';
import { renderPlanHuman } from './human.js';
import { GITHUB_COMMENT_LIMIT, renderPlanMarkdown } from './markdown.js';

function initialPlan(count: number, sqlText?: string) {
  const desired: Record<string, NormalizedIngestion> = {};
  for (let i = 0; i < count; i++)
    desired[`m${String(i).padStart(4, '0')}`] = sampleIngestion(`m${String(i).padStart(4, '0')}`, { sqlText });
  return makePlan({
    project: 'demo',
    timeZone: 'PST',
    desired,
    planning: { state: emptyState(), loaded: {} },
    now: new Date('2026-11-22T06:00:00Z'),
  });
}

describe('plan views', () => {
  it('colours the human view only when asked', () => {
    const plan = initialPlan(1);
    expect(renderPlanHuman(plan, { color: false })).not.toMatch(/\u001b\[/);
    expect(renderPlanHuman(plan, { color: true })).toMatch(/\u001b\[32m\+/);
    expect(renderPlanHuman(plan)).toContain('Plan: 1 to add, 0 to change, 0 to remove, 51 days to load.');
  });

  it('puts the one-line summary first in Markdown', () => {
    const md = renderPlanMarkdown(initialPlan(2));
    expect(md.split('\n')[0]).toBe('**Plan: 2 to add, 0 to change, 0 to remove, 102 days to load.**');
    expect(md.match(/<details>/g)).toHaveLength(2);
  });

  it("truncates a plan longer than GitHub's comment limit at a section boundary, with a pointer to the full plan", () => {
    const plan = initialPlan(300);
    const full = renderPlanMarkdown(plan, { limit: Number.MAX_SAFE_INTEGER });
    expect(full.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT);
    const md = renderPlanMarkdown(plan, { fullPlanUrl: 'https://github.com/acme/warehouse/actions/runs/42' });
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md.split('\n')[0]).toBe('**Plan: 300 to add, 0 to change, 0 to remove, 15300 days to load.**');
    const shown = md.match(/<details>/g)?.length ?? 0;
    expect(md.match(/<\/details>/g)?.length).toBe(shown);
    expect(md).toContain(
      `${300 - shown} more ingestions not shown. [Read the full plan](https://github.com/acme/warehouse/actions/runs/42).`,
    );
    expect(renderPlanMarkdown(plan)).toContain('the `plan.json` artifact');
  });

  it('fences SQL that itself contains backticks with a longer fence', () => {
    const md = renderPlanMarkdown(initialPlan(1, 'SELECT "```" AS x\n'));
    expect(md).toContain('````diff\n');
    expect(md).toContain('+SELECT "```" AS x\n````');
  });
});
