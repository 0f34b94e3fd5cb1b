import { describe, expect, it } from 'vitest';
import { checkDay, checkDayRange } from './day-arguments.js';

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (err) {
    return (err as Error).message;
  }
  return 'accepted';
};

describe('day arguments', () => {
  it.each([
    ['2026-13-01', '--date "2026-13-01" is not a date: there is no month 13.'],
    ['2026-02-30', '--date "2026-02-30" is not a date: February 2026 has 28 days.'],
    ['2028-02-30', '--date "2028-02-30" is not a date: February 2028 has 29 days.'],
    ['', '--date "" is empty.'],
    ['tomorrow', '--date "tomorrow" is not a date written YYYY-MM-DD.'],
    ['20261005', '--date "20261005" is not written YYYY-MM-DD (did you mean 2026-10-05?).'],
    ['0001-01-01', '--date "0001-01-01" is outside the supported range 1970-01-01..2100-12-31.'],
    ['9999-12-31', '--date "9999-12-31" is outside the supported range 1970-01-01..2100-12-31.'],
  ])('refuses %j with a message saying why', (value, message) => {
    expect(refusal(() => checkDay('date', value))).toBe(message);
  });

  it('accepts real days at both ends of the range and a leap day', () => {
    for (const day of ['1970-01-01', '2100-12-31', '2024-02-29']) expect(checkDay('date', day)).toBe(day);
  });

  it('refuses a range whose start is after its end, and says how to fix it', () => {
    expect(
      refusal(() => checkDayRange({ flag: 'from', value: '2026-10-05' }, { flag: 'to', value: '2026-10-01' })),
    ).toBe('--from 2026-10-05 is after --to 2026-10-01: the range is empty.');
    expect(
      refusal(() => checkDayRange({ flag: 'from', value: '2026-10-01' }, { flag: 'to', value: '2026-10-01' })),
    ).toBe('accepted');
  });
});
