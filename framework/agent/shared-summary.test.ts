import { describe, expect, it } from 'vitest';
import { SharedSummary } from './shared-summary.js';

describe('SharedSummary', () => {
  it('computes once for 500 callers at once, again after a change or when too old, and keeps no failure', async () => {
    let computed = 0;
    let fail = false;
    let clock = 0;
    const summary = new SharedSummary(
      async () => {
        computed++;
        await new Promise((r) => setTimeout(r, 5));
        if (fail) throw new Error('the store is closed');
        return computed;
      },
      10_000,
      () => clock,
    );
    const answers = await Promise.all(Array.from({ length: 500 }, () => summary.get()));
    expect(new Set(answers)).toEqual(new Set([1]));
    expect(computed).toBe(1);
    summary.changed();
    expect(await summary.get()).toBe(2);
    clock = 10_001;
    expect(await summary.get()).toBe(3);
    fail = true;
    summary.changed();
    await expect(summary.get()).rejects.toThrow('the store is closed');
    fail = false;
    expect(await summary.get()).toBe(5);
  });
});
