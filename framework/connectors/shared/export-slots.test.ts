/** ExportSlots: at most `size` exports at once; the others start in the order they asked, as slots free up. */
import { expect, it } from 'vitest';
import { ExportSlots } from './export-slots.js';

it('runs at most its size at once, starts the waiting ones in order, and frees a slot when one fails', async () => {
  const slots = new ExportSlots(2);
  const started: number[] = [];
  const finish: Record<number, { resolve: () => void; reject: (e: Error) => void }> = {};
  let running = 0;
  let most = 0;
  const runs = [0, 1, 2, 3, 4].map((n) =>
    slots.run(async () => {
      started.push(n);
      most = Math.max(most, ++running);
      try {
        await new Promise<void>((resolve, reject) => (finish[n] = { resolve, reject }));
      } finally {
        running--;
      }
      return n;
    }),
  );
  const settled = Promise.allSettled(runs);
  const tick = () => new Promise((r) => setImmediate(r));
  await tick();
  expect(started).toEqual([0, 1]);
  finish[1].reject(new Error('export 1 failed'));
  await tick();
  expect(started).toEqual([0, 1, 2]);
  finish[0].resolve();
  await tick();
  expect(started).toEqual([0, 1, 2, 3]);
  for (const n of [2, 3]) finish[n].resolve();
  await tick();
  expect(started).toEqual([0, 1, 2, 3, 4]);
  finish[4].resolve();
  const outcomes = await settled;
  expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : o.reason.message))).toEqual([
    0,
    'export 1 failed',
    2,
    3,
    4,
  ]);
  expect(most).toBe(2);
});
