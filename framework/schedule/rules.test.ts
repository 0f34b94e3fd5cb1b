import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../store/types.js';
import { zoneOrThrow } from '../util/time.js';
import { nextCheckAfter, targetDay, windowsBetween, type DailyTiming } from '../util/daily-windows.js';
import { inRecheckWindow, judgeRecheck } from './recheck-rule.js';
import { judgeSignal } from './signal-rule.js';

const seed = { days: 3, threshold: 0.05, reloadOnFingerprintChange: false };
const entry = (over: Partial<LedgerEntry>): LedgerEntry => ({
  ingestion: 'm',
  date: '2024-07-01',
  status: 'succeeded',
  errorClass: null,
  errorMessage: null,
  errorHint: null,
  rowsLoaded: 1000,
  rowsRejected: 0,
  rejectReasons: {},
  duplicates: 0,
  sourceRowCount: 1000,
  sourceFingerprint: 'a',
  configHash: 'h',
  commitSha: null,
  trigger: 'schedule',
  startedAt: new Date('2024-07-02T17:00:00Z'),
  finishedAt: new Date('2024-07-02T17:00:00Z'),
  firstLoadedAt: new Date('2024-07-02T17:00:00Z'),
  loadId: '1',
  ...over,
});

describe('the recheck rule', () => {
  it.each([
    [1060, true],
    [1051, true],
    [1050, false],
    [1040, false],
    [949, true],
    [950, false],
  ])('1000 rows at load, %i now → reload %s (more than 5%, either way)', (now, reload) => {
    expect(judgeRecheck(entry({}), { day: '2024-07-01', rowCount: now, fingerprint: 'a' }, seed).reload).toBe(reload);
  });

  it('treats rows appearing on a no_data day as a change', () => {
    expect(
      judgeRecheck(
        entry({ status: 'no_data', sourceRowCount: 0 }),
        { day: '2024-07-01', rowCount: 3, fingerprint: null },
        seed,
      ),
    ).toEqual({
      reload: true,
      reason: 'row count 0 → 3 (from none, threshold 5.00%)',
    });
  });

  it('counts the window from the first load, never for failed days', () => {
    const e = entry({ finishedAt: new Date('2024-07-04T17:00:00Z') });
    expect(inRecheckWindow(e, seed, new Date('2024-07-05T16:59:59Z'))).toBe(true);
    expect(inRecheckWindow(e, seed, new Date('2024-07-05T17:00:00Z'))).toBe(false);
    expect(inRecheckWindow(entry({ status: 'failed' }), seed, new Date('2024-07-03T00:00:00Z'))).toBe(false);
    expect(inRecheckWindow(e, { ...seed, days: 0 }, new Date('2024-07-02T18:00:00Z'))).toBe(false);
  });
});

describe('daily windows', () => {
  const timing: DailyTiming = {
    atMinutes: 9 * 60,
    zone: zoneOrThrow('PST'),
    dayZone: zoneOrThrow('PST'),
    retryEveryMs: 3_600_000,
    cutoffMs: 12 * 3_600_000,
  };

  it('lists missed windows oldest first and targets the previous PST day', () => {
    const windows = windowsBetween(new Date('2024-03-09T17:00:00Z'), new Date('2024-03-12T17:00:00Z'), timing);
    expect(windows.map((w) => [w.toISOString(), targetDay(w, timing)])).toEqual([
      ['2024-03-10T17:00:00.000Z', '2024-03-09'],
      ['2024-03-11T17:00:00.000Z', '2024-03-10'],
      ['2024-03-12T17:00:00.000Z', '2024-03-11'],
    ]);
  });

  it('schedules checks on the window grid, the last one at the cutoff', () => {
    const windowAt = new Date('2024-07-02T17:00:00Z');
    const cutoff = new Date('2024-07-03T05:30:00Z');
    expect(nextCheckAfter(new Date('2024-07-02T17:00:00Z'), windowAt, 3_600_000, cutoff)?.toISOString()).toBe(
      '2024-07-02T18:00:00.000Z',
    );
    expect(nextCheckAfter(new Date('2024-07-02T19:20:00Z'), windowAt, 3_600_000, cutoff)?.toISOString()).toBe(
      '2024-07-02T20:00:00.000Z',
    );
    expect(nextCheckAfter(new Date('2024-07-03T05:00:00Z'), windowAt, 3_600_000, cutoff)?.toISOString()).toBe(
      '2024-07-03T05:30:00.000Z',
    );
    expect(nextCheckAfter(cutoff, windowAt, 3_600_000, cutoff)).toBeNull();
  });
});

describe('the signal rule', () => {
  it('advances, stays, and ignores a date earlier than one seen', () => {
    expect(judgeSignal(null, null).kind).toBe('none');
    expect(judgeSignal(null, '2024-03-01')).toMatchObject({ kind: 'advance', upTo: '2024-03-01' });
    expect(judgeSignal('2024-03-01', '2024-03-06')).toMatchObject({ kind: 'advance', upTo: '2024-03-06' });
    expect(judgeSignal('2024-03-06', '2024-03-06').kind).toBe('none');
    expect(judgeSignal('2024-03-06', '2024-03-04')).toMatchObject({ kind: 'ignore', date: '2024-03-04' });
  });
});
