/**
 * LaneQueue, the scheduler of the columnar path's file loads: at most `width` jobs at once,
 * jobs of one key one after the other in queue order, and a free lane never left idle while
 * a job of a key not running waits.
 */
import { describe, expect, it } from 'vitest';
import { LaneQueue } from './lane-queue.js';

/** A job that records its start and end and finishes when `release` is called. */
function gatedJob(log: string[], name: string) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  return {
    job: async () => {
      log.push(`start ${name}`);
      await gate;
      log.push(`end ${name}`);
    },
    release: () => release(),
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('LaneQueue', () => {
  it('runs jobs of one key in queue order, never two at once', async () => {
    const queue = new LaneQueue(2);
    const log: string[] = [];
    const a1 = gatedJob(log, 'a1');
    const a2 = gatedJob(log, 'a2');
    queue.push(0, a1.job);
    queue.push(0, a2.job);
    await tick();
    expect(log).toEqual(['start a1']);
    a1.release();
    await tick();
    expect(log).toEqual(['start a1', 'end a1', 'start a2']);
    a2.release();
    await queue.idle();
    expect(log.at(-1)).toBe('end a2');
  });

  it('gives a free lane the next job of any key not running, whatever lane that key had before', async () => {
    const queue = new LaneQueue(2);
    const log: string[] = [];
    const jobs = {
      a1: gatedJob(log, 'a1'),
      b1: gatedJob(log, 'b1'),
      c1: gatedJob(log, 'c1'),
      a2: gatedJob(log, 'a2'),
      d1: gatedJob(log, 'd1'),
    };
    queue.push(0, jobs.a1.job);
    queue.push(1, jobs.b1.job);
    queue.push(2, jobs.c1.job);
    queue.push(0, jobs.a2.job);
    queue.push(3, jobs.d1.job);
    await tick();
    expect(log).toEqual(['start a1', 'start b1']);
    // b1 ends while a1 still runs: its lane takes c1 (key 2), not wait for key 0's lane.
    jobs.b1.release();
    await tick();
    expect(log.slice(2)).toEqual(['end b1', 'start c1']);
    // a1 ends: a2 (key 0 again, queued before d1) is next.
    jobs.a1.release();
    await tick();
    expect(log.slice(4)).toEqual(['end a1', 'start a2']);
    jobs.c1.release();
    await tick();
    expect(log.slice(6)).toEqual(['end c1', 'start d1']);
    jobs.a2.release();
    jobs.d1.release();
    await queue.idle();
    expect(log.filter((l) => l.startsWith('end')).sort()).toEqual(['end a1', 'end a2', 'end b1', 'end c1', 'end d1']);
  });

  it('never runs more than its width, and idle() waits for the last job (also when one fails)', async () => {
    const queue = new LaneQueue(2);
    let running = 0;
    let most = 0;
    const done: number[] = [];
    for (let key = 0; key < 8; key++) {
      queue.push(key % 5, async () => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 2));
        running -= 1;
        done.push(key);
        if (key === 3) throw new Error('a failed job');
      });
    }
    await queue.idle();
    expect(most).toBe(2);
    expect(done.sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    await expect(queue.idle()).resolves.toBeUndefined();
  });
  it('tells a producer when fewer than n jobs wait for a lane', async () => {
    const queue = new LaneQueue(1);
    const log: string[] = [];
    const [a, b, c] = ['a', 'b', 'c'].map((name) => gatedJob(log, name));
    queue.push(0, a.job);
    queue.push(1, b.job);
    queue.push(2, c.job);
    let below = false;
    void queue.below(2).then(() => (below = true));
    await tick();
    // a runs, b and c wait.
    expect(below).toBe(false);
    a.release();
    await tick();
    // b took the lane: only c waits.
    expect(log).toEqual(['start a', 'end a', 'start b']);
    expect(below).toBe(true);
    b.release();
    c.release();
    await queue.idle();
  });
});
