import { describe, expect, it } from 'vitest';
import { inspectRenderedPlan } from '../../test/support/render-markdown.js';
import { commentBody } from './sticky-comment.js';
import { COMMENT_LIMIT } from './truncate.js';

/**
 * A plan in the shape `ingest plan --format markdown` produces: summary line, then one collapsible section per
 * change.
 */
function samplePlan(changes: number, sqlLines = 4): string {
  const section = (i: number) =>
    [
      `<details><summary><code>~ mapping.app_events_${i}</code>: SQL changed, reload 2026-11-01 … 2026-11-21 (21 days)</summary>`,
      '',
      '| attribute | before | after |',
      '| --- | --- | --- |',
      '| schedule | daily_0900 | daily_0600 |',
      '',
      '```diff',
      ' select user_id, event_name, ts',
      ...Array.from({ length: sqlLines }, (_, n) => `-  , old_column_${n}\n+  , new_column_${n}`),
      ' from app.events',
      '```',
      '',
      '</details>',
    ].join('\n');
  return [
    `**Plan:** 0 to add, ${changes} to change, 0 to remove, ${changes * 21} days to load`,
    '',
    ...Array.from({ length: changes }, (_, i) => section(i)),
  ].join('\n\n');
}

describe('a plan comment rendered as GitHub shows it', () => {
  it('has the summary line, one collapsible section per change and the SQL diff inside it', () => {
    const body = commentBody(samplePlan(2), 'wharf-plan', {});
    const plan = inspectRenderedPlan(body.text);
    expect(body.truncated).toBe(false);
    expect(plan.summaryLine).toBe('Plan: 0 to add, 2 to change, 0 to remove, 42 days to load');
    expect(plan.sections.map((s) => s.title)).toEqual([
      '~ mapping.app_events_0: SQL changed, reload 2026-11-01 … 2026-11-21 (21 days)',
      '~ mapping.app_events_1: SQL changed, reload 2026-11-01 … 2026-11-21 (21 days)',
    ]);
    expect(plan.sections.every((s) => s.codeLanguages.includes('diff'))).toBe(true);
    expect(plan.diffBlocks[0]).toContain('+  , new_column_0');
    expect(plan.text).not.toContain('wharf-plan');
    expect(plan.notices).toEqual([]);
  });

  it('still renders after being cut to the comment limit, with the notice outside every section', () => {
    const markdown = samplePlan(120, 80);
    expect(markdown.length).toBeGreaterThan(3 * COMMENT_LIMIT);
    const body = commentBody(markdown, 'wharf-plan', {
      runUrl: 'https://github.example/acme/wh/actions/runs/1',
      artifactName: 'wharf-plan',
    });
    const plan = inspectRenderedPlan(body.text);
    expect(body.truncated).toBe(true);
    expect(body.text.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(plan.summaryLine).toBe('Plan: 0 to add, 120 to change, 0 to remove, 2520 days to load');
    expect(plan.sections.length).toBeGreaterThan(5);
    expect(plan.sections.length).toBeLessThan(120);
    expect(plan.sections.every((s) => s.codeLanguages.includes('diff'))).toBe(true);
    expect(plan.notices).toHaveLength(1);
    expect(plan.notices[0]).toMatch(
      /This plan is cut short\. It is [\d,]+ characters long and a GitHub comment holds at most 65,535\./,
    );
    expect(plan.notices[0]).toContain(
      'Read the full plan in the job summary of this run and in the wharf-plan artifact.',
    );
  });
});
