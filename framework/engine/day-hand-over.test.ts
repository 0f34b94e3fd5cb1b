/**
 * DayHandOver on its own (no database): a day is finished and handed on only once the
 * export has ended and its last file is loaded, after the `exported` hook (told the empty
 * days), or, without that hook, once the export named the day whole and its file is loaded;
 * a failure stops every hand-over not yet begun and is what `settled` throws.
 */
import { describe, expect, it } from 'vitest';
import type { ColumnarDayResult } from '../store/types.js';
import { DayHandOver } from './day-hand-over.js';

const result = (day: number): ColumnarDayResult => ({
  rowsRead: day,
  rowsLoaded: day,
  duplicates: 0,
  fingerprintSum: null,
  problems: [],
});

/** Three days' loads whose finish() is logged, and a hand-over that logs its hooks. */
function setup(
  hooks: { exported?: (empty: number[]) => Promise<void>; loaded?: (day: number) => Promise<void> } = {},
  { checkEmptyDays = true } = {},
) {
  const log: string[] = [];
  const loads = [0, 1, 2].map((day) => ({
    finish: async () => {
      log.push(`finish ${day}`);
      return result(day);
    },
  }));
  const handOver = new DayHandOver(loads, {
    exported: checkEmptyDays
      ? async (empty) => {
          log.push(`exported ${empty.join(',')}`);
          await hooks.exported?.(empty);
        }
      : undefined,
    loaded: async (day, done) => {
      log.push(`loaded ${day} ${done.rowsRead}`);
      await hooks.loaded?.(day);
    },
  });
  return { log, handOver };
}

/** Lets every pending promise callback run. */
const drain = () => new Promise((resolve) => setImmediate(resolve));

describe('DayHandOver', () => {
  it('hands a day on once the export has ended and its last file is loaded, after the exported hook', async () => {
    const { log, handOver } = setup();
    handOver.queued(0, 10);
    handOver.queued(1, 5);
    handOver.queued(1, 5);
    handOver.fileDone(0);
    handOver.fileDone(1);
    await drain();
    // The export has not ended: day 0 could still get rows.
    expect(log).toEqual([]);
    handOver.exported();
    await drain();
    // Day 2 got no row; day 1 still has a file loading.
    expect(log).toEqual(['exported 2', 'finish 0', 'finish 2', 'loaded 0 0', 'loaded 2 2']);
    handOver.fileDone(1);
    await handOver.settled();
    expect(log.slice(5)).toEqual(['finish 1', 'loaded 1 1']);
  });

  it('without the exported hook, hands a day the export named whole on once its file is loaded, before the export ends', async () => {
    const { log, handOver } = setup({}, { checkEmptyDays: false });
    handOver.queued(0, 10);
    handOver.dayWhole(0);
    handOver.queued(1, 5);
    await drain();
    // Day 0's file is still loading.
    expect(log).toEqual([]);
    handOver.fileDone(0);
    handOver.fileDone(1);
    await drain();
    // Day 1 was not named whole: it waits for the export's end, as day 2 (no row) does.
    expect(log).toEqual(['finish 0', 'loaded 0 0']);
    handOver.exported();
    await handOver.settled();
    expect(log.slice(2)).toEqual(['finish 1', 'finish 2', 'loaded 1 1', 'loaded 2 2']);
  });

  it('with the exported hook, a day named whole still waits for the export to end and the hook', async () => {
    const { log, handOver } = setup();
    handOver.queued(0, 10);
    handOver.dayWhole(0);
    handOver.fileDone(0);
    await drain();
    expect(log).toEqual([]);
    handOver.exported();
    await handOver.settled();
    expect(log).toEqual(['exported 1,2', 'finish 0', 'finish 1', 'finish 2', 'loaded 0 0', 'loaded 1 1', 'loaded 2 2']);
  });

  it('after a failure hands on no further day, and settled() throws the first failure', async () => {
    const { log, handOver } = setup({
      loaded: async (day) => {
        if (day === 0) throw new Error('commit failed');
      },
    });
    handOver.queued(1, 1);
    handOver.queued(2, 1);
    handOver.exported();
    await drain();
    expect(log).toEqual(['exported 0', 'finish 0', 'loaded 0 0']);
    handOver.fail(new Error('a later failure'));
    handOver.fileDone(1);
    handOver.fileDone(2);
    await expect(handOver.settled()).rejects.toThrow('commit failed');
    expect(log).toHaveLength(3);
    expect(handOver.failed).toBe(true);
  });

  it('a failing exported hook fails the group before any day is finished', async () => {
    const { log, handOver } = setup({
      exported: async () => {
        throw new Error('no dates in the day column');
      },
    });
    handOver.exported();
    await expect(handOver.settled()).rejects.toThrow('no dates in the day column');
    expect(log).toEqual(['exported 0,1,2']);
  });

  it('an export that failed hands on nothing', async () => {
    const { log, handOver } = setup();
    handOver.queued(0, 3);
    handOver.fail(new Error('query failed'));
    expect(() => handOver.throwIfFailed()).toThrow('query failed');
    handOver.fileDone(0);
    await expect(handOver.settled()).rejects.toThrow('query failed');
    expect(log).toEqual([]);
  });
});
