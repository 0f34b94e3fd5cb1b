import { describe, expect, it } from 'vitest';
import { closeOpenBlocks, fitToLimit, measureBytes } from './truncate.js';
import { planHeadline, readPlanCounts } from './plan-headline.js';

const notice = () => 'NOTICE';

describe('fitToLimit', () => {
  it('returns text that fits unchanged', () => {
    expect(fitToLimit('a\nb', 10, notice)).toEqual({ text: 'a\nb', truncated: false, originalSize: 3 });
  });

  it('cuts on a line boundary and appends the notice within the limit', () => {
    const text = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n');
    const fitted = fitToLimit(text, 60, notice);
    expect(fitted.truncated).toBe(true);
    expect(fitted.text.length).toBeLessThanOrEqual(60);
    expect(fitted.text).toMatch(/^line 0\nline 1\n(line \d+\n)*line \d+\n\nNOTICE\n$/);
  });

  it('measures in bytes when asked, so multi-byte text still fits', () => {
    const text = 'é'.repeat(50) + '\n' + 'é'.repeat(50);
    const fitted = fitToLimit(text, 80, notice, measureBytes);
    expect(fitted.originalSize).toBe(201);
    expect(Buffer.byteLength(fitted.text)).toBeLessThanOrEqual(80);
  });
});

describe('closeOpenBlocks', () => {
  it('closes a code fence and details left open, ignoring markup inside code', () => {
    const cut = '<details><summary>x</summary>\n\n```diff\n+ <details>\n- a';
    expect(closeOpenBlocks(cut)).toBe(`${cut}\n\`\`\`\n\n</details>`);
  });

  it('leaves balanced markdown alone', () => {
    const whole = '<details>\n\n```sql\nselect 1\n```\n\n</details>';
    expect(closeOpenBlocks(whole)).toBe(whole);
  });
});

describe('planHeadline', () => {
  it('says no changes when every count is zero', () => {
    expect(planHeadline({ add: 0, change: 0, remove: 0, daysToLoad: 0 })).toBe('no changes');
  });

  it('lists every count otherwise', () => {
    expect(planHeadline({ add: 2, change: 1, remove: 0, daysToLoad: 30 })).toBe(
      '2 to add, 1 to change, 0 to remove, 30 days to load',
    );
    expect(planHeadline({ add: 0, change: 1, remove: 0, daysToLoad: 1 })).toBe(
      '0 to add, 1 to change, 0 to remove, 1 day to load',
    );
  });

  it('reads the counts from the plan JSON and names a missing field', () => {
    expect(readPlanCounts('{"summary":{"add":1,"change":2,"remove":3,"daysToLoad":4}}', 'plan.json')).toEqual({
      add: 1,
      change: 2,
      remove: 3,
      daysToLoad: 4,
    });
    expect(() => readPlanCounts('{"summary":{"add":1,"change":2,"remove":3}}', 'plan.json')).toThrow(
      /plan.json has no whole, non-negative summary.daysToLoad/,
    );
    expect(() => readPlanCounts('not json', 'plan.json')).toThrow(/plan.json is not valid JSON/);
  });
});
