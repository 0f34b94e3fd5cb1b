/** The day routing of several-day exports and COPY text fields (text-export.ts). */
import { describe, expect, it } from 'vitest';
import { dayNumber, DayRouter, rowDayNumber, unescapeCopyText } from './text-export.js';

describe('rowDayNumber', () => {
  const at = (text: string, pad = 3) => {
    const buf = Buffer.from('#'.repeat(pad) + text + '#'.repeat(pad));
    return rowDayNumber(buf, pad, pad + Buffer.byteLength(text));
  };

  it('reads YYYYMMDD from a row starting with YYYY-MM-DD, at any offset of the buffer', () => {
    expect(at('2026-10-02,u1,user_id\n')).toBe(20261002);
    expect(at('1999-12-31\n', 0)).toBe(19991231);
    expect(at('2026-03-01')).toBe(20260301);
    expect(at('2026-03-01 13:00:00,x\n')).toBe(20260301);
    expect(at('0000-00-00,')).toBe(0);
    expect(at('2026-10-02,')).toBe(dayNumber('2026-10-02'));
    expect(dayNumber('2026-01-09')).toBe(20260109);
  });

  it('is NaN when the dashes or digits are not where a day has them', () => {
    for (const text of [
      '2026/10/02,x\n',
      '202-610-02,x\n',
      '2026-1002-,x\n',
      '20261-0-02,x\n',
      '2026-10-0x,x\n',
      'x026-10-02,x\n',
      '2026-1a-02,x\n',
      '2026-:0-02,x\n',
      '2026-/0-02,x\n',
      '"2026-10-02",x\n',
      ' 2026-10-02,x\n',
      ',2026-10-02\n',
    ]) {
      expect(at(text), text).toBeNaN();
    }
  });

  it('is NaN when the row is shorter than a day, even if the buffer goes on', () => {
    expect(at('2026-10-0')).toBeNaN();
    expect(at('')).toBeNaN();
    const buf = Buffer.from('2026-10-02,x\n');
    expect(rowDayNumber(buf, 0, 9)).toBeNaN();
    expect(rowDayNumber(buf, 0, 10)).toBe(20261002);
  });
});

describe('DayRouter', () => {
  const route = (router: DayRouter, text: string) => {
    const buf = Buffer.from(`##${text}##`);
    return router.dayOf(buf, 2, 2 + Buffer.byteLength(text));
  };

  it('gives each row the index of its day among the days asked for, across month and year ends', () => {
    const days = ['2026-12-30', '2026-12-31', '2027-01-01', '2027-02-28'];
    const router = new DayRouter(days);
    days.forEach((day, i) => expect(route(router, `${day},u1,7\n`)).toBe(i));
    for (const other of ['2026-12-29', '2027-01-02', '2027-02-27', '2027-03-01', '2026-12-32'])
      expect(route(router, `${other},u1\n`), other).toBe(-1);
  });

  it('is -1 for a row that does not start with a day, and for any day when none was asked for in its span', () => {
    const router = new DayRouter(['2026-10-01', '2026-10-03']);
    for (const text of ['2026-10-02,x\n', 'x026-10-01,x\n', '2026-10-0', '', '"2026-10-01",x\n'])
      expect(route(router, text), text).toBe(-1);
  });

  it('routes days years apart (a sparse group) as well as close ones', () => {
    const days = ['1901-01-01', '2026-06-15', '2999-12-31'];
    const router = new DayRouter(days);
    days.forEach((day, i) => expect(route(router, `${day}\n`)).toBe(i));
    expect(route(router, '2026-06-16\n')).toBe(-1);
  });

  it('gives a day asked for twice its first index, in a close group and a sparse one alike', () => {
    expect(route(new DayRouter(['2026-10-01', '2026-10-02', '2026-10-01']), '2026-10-01\n')).toBe(0);
    expect(route(new DayRouter(['1901-01-01', '2999-12-31', '1901-01-01']), '1901-01-01\n')).toBe(0);
  });
});

describe('unescapeCopyText', () => {
  it('reads the escapes COPY TO writes in its text format, and leaves other text as it is', () => {
    expect(unescapeCopyText('plain, "quoted"')).toBe('plain, "quoted"');
    expect(unescapeCopyText('a\\tb\\nc\\rd')).toBe('a\tb\nc\rd');
    expect(unescapeCopyText('\\b\\f\\v')).toBe('\b\f\v');
    expect(unescapeCopyText('back\\\\slash \\\\N')).toBe('back\\slash \\N');
    expect(unescapeCopyText('\\\\\\t')).toBe('\\\t');
  });
});
