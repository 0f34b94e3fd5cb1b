import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { DayResult } from '../engine/types.js';
import { dayLine, ProgressReporter, timeLeft } from './ingest-progress.js';

function day(d: string, status: DayResult['status'] = 'succeeded'): DayResult {
  return {
    mapping: 'm',
    day: d,
    status,
    rowsRead: 10,
    rowsLoaded: 9,
    rowsRejected: 1,
    duplicates: 0,
    rejectReasons: {},
    rejectExamples: {},
    sourceRowCount: null,
    errorClass: null,
    errorMessage: null,
    durationMs: 5,
    loadId: null,
  };
}

function capture(tty: boolean) {
  const stream = Object.assign(new PassThrough(), { isTTY: tty, columns: 200 });
  let text = '';
  stream.on('data', (chunk) => (text += String(chunk)));
  return { stream, text: () => text };
}

describe('timeLeft', () => {
  it('extrapolates the pace of the days done', () => {
    expect(timeLeft(5, 0, 10)).toBe('estimating time left');
    expect(timeLeft(10, 2, 10)).toBe('40s left');
    expect(timeLeft(60, 1, 4)).toBe('3m 00s left');
    expect(timeLeft(3000, 1, 3)).toBe('1h 40m left');
  });
});

describe('dayLine', () => {
  it('counts rows and duplicates in the singular for one, with digits grouped', () => {
    const one = { ...day('2026-10-01'), rowsLoaded: 1, duplicates: 1 };
    expect(dayLine(one).replace(/\u001b\[\d+m/g, '')).toBe(
      'm 2026-10-01 succeeded 1 row, 1 rejected, 1 duplicate dropped in 5 ms',
    );
    const many = { ...day('2026-10-01'), rowsLoaded: 12_345, duplicates: 2 };
    expect(dayLine(many).replace(/\u001b\[\d+m/g, '')).toBe(
      'm 2026-10-01 succeeded 12,345 rows, 1 rejected, 2 duplicates dropped in 5 ms',
    );
  });
});

describe('ProgressReporter', () => {
  it('off a terminal writes each finished day once, to stdout, and nothing to stderr', () => {
    const out = capture(false);
    const err = capture(false);
    const p = new ProgressReporter({ stdout: out.stream, stderr: err.stream, dayLines: true });
    p.onEvent({ kind: 'planned', mapping: 'm', days: 2 });
    for (const d of ['2026-10-01', '2026-10-02']) {
      p.onEvent({ kind: 'day-started', mapping: 'm', day: d });
      p.onEvent({ kind: 'rows', mapping: 'm', day: d, rows: 10 });
      p.onEvent({ kind: 'day-finished', result: day(d) });
    }
    p.finish();
    expect(out.text().replace(/\u001b\[\d+m/g, '')).toBe(
      'm 2026-10-01 succeeded 9 rows, 1 rejected in 5 ms\nm 2026-10-02 succeeded 9 rows, 1 rejected in 5 ms\n',
    );
    expect(err.text()).toBe('');
  });

  it('on a terminal shows days done of the total and time left on stderr, then clears the bar', () => {
    const out = capture(true);
    const err = capture(true);
    const p = new ProgressReporter({ stdout: out.stream, stderr: err.stream, dayLines: true });
    p.onEvent({ kind: 'planned', mapping: 'm', days: 3 });
    p.onEvent({ kind: 'day-started', mapping: 'm', day: '2026-10-01' });
    p.onEvent({ kind: 'day-finished', result: day('2026-10-01') });
    p.onEvent({ kind: 'day-finished', result: day('2026-10-02', 'failed') });
    p.finish();
    const text = err.text();
    const plain = text.replace(/\u001b\[\d+m/g, '');
    expect(plain).toMatch(/ingesting .* 2\/3 days · 0 rows · \d+ rows\/s · \d+s left · m 2026-10-02/);
    // A failed day is printed above the bar, as a whole line.
    expect(plain).toContain('m 2026-10-02 failed 9 rows, 1 rejected in 5 ms\n');
    // The bar is cleared last (cursor to column 1, clear to the end), so the summary printed next starts on its own
    // line.
    expect(text.endsWith('\u001b[1G\u001b[0J')).toBe(true);
    expect(out.text()).toBe('');
  });
});
