/**
 * Day arguments of the CLI (`--date`, `--from`, `--to`), checked before anything runs or is
 * written: a real calendar date written YYYY-MM-DD, within the range Wharf supports, and
 * ranges in order. Each refusal says what was wrong with the value and what to write.
 */
import { WharfError } from '../diagnostics/errors.js';

/** The days the CLI accepts; the ledger, the stores and the zone arithmetic all cover them. */
export const FIRST_DAY = '1970-01-01';
export const LAST_DAY = '2100-12-31';

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** `value` when it is a supported day; otherwise a config error naming the flag. */
export function checkDay(flag: string, value: string): string {
  const problem = dayProblem(value);
  if (problem) {
    throw new WharfError(`--${flag} ${JSON.stringify(value)} ${problem}`, {
      code: 'cli.invalid-day',
      errorClass: 'config',
      hint: `Write a calendar day as YYYY-MM-DD between ${FIRST_DAY} and ${LAST_DAY}, e.g. --${flag} 2026-10-05.`,
    });
  }
  return value;
}

/** Checks each given day, then that `from` is not after `to`. */
export function checkDayRange(from: { flag: string; value?: string }, to: { flag: string; value?: string }): void {
  if (from.value !== undefined) checkDay(from.flag, from.value);
  if (to.value !== undefined) checkDay(to.flag, to.value);
  if (from.value !== undefined && to.value !== undefined && from.value > to.value) {
    throw new WharfError(`--${from.flag} ${from.value} is after --${to.flag} ${to.value}: the range is empty.`, {
      code: 'cli.empty-range',
      errorClass: 'config',
      hint: `Swap them: --${from.flag} ${to.value} --${to.flag} ${from.value}.`,
    });
  }
}

function dayProblem(value: string): string | undefined {
  if (value.trim() === '') return 'is empty.';
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  if (compact) return `is not written YYYY-MM-DD (did you mean ${compact[1]}-${compact[2]}-${compact[3]}?).`;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return 'is not a date written YYYY-MM-DD.';
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12) return `is not a date: there is no month ${month}.`;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > days) return `is not a date: ${MONTHS[month - 1]} ${year} has ${days} days.`;
  if (value < FIRST_DAY || value > LAST_DAY) return `is outside the supported range ${FIRST_DAY}..${LAST_DAY}.`;
  return undefined;
}
