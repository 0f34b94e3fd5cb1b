import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toInstant } from '../../engine/map-events.js';
import { mulberry32 } from '../../../test/support/random.js';
import { sqlOverTexts } from '../../../test/support/sql-over-texts.js';
import { openDuckDB, type DuckDBHandle } from '../../util/duckdb.js';
import { eventInstant } from './event-csv-sql.js';

/**
 * The bulk reading of a text timestamp column (eventInstant, form `text`) against the row path's
 * own reading of the text (toInstant): every text the store reads must give the row path's
 * instant to the millisecond, and the store must read the forms it is meant to take in bulk —
 * `YYYY-MM-DD HH:MM:SS[.f…][+00]`, `YYYY-MM-DDTHH:MM:SS[.f…][Z]` and integers of up to 15
 * digits — so that such days never need the row path. The instants come from a seeded
 * generator (the same every run), from 1901 to 2099, each written in those forms with 0 to 7
 * fraction digits, with offsets from UTC, as decimal UNIX seconds and milliseconds, and in forms the store leaves to
 * the row path. A floating-point or NUMERIC column's text (form `number`) is checked the same
 * way against the row path's reading of its number.
 */

let db: DuckDBHandle;
beforeAll(async () => {
  db = await openDuckDB(':memory:');
});
afterAll(() => db.close());

/** Texts of one instant: [text, whether the store is meant to read it]. */
function forms(ms: number, micros: number, random: () => number): [string, boolean][] {
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  const digits = `${iso.slice(20, 23)}${String(micros).padStart(3, '0')}${Math.floor(random() * 10)}`;
  const n = Math.floor(random() * 8);
  const fraction = n === 0 ? '' : `.${digits.slice(0, n)}`;
  const [date, time] = [iso.slice(0, 10), iso.slice(11, 19)];
  const bulk = n <= 6;
  return [
    [`${date} ${time}${fraction}`, bulk],
    [`${date} ${time}${fraction}+00`, bulk],
    [`${date}T${time}${fraction}Z`, bulk],
    [`${date}T${time}${fraction}`, bulk],
    [String(Math.floor(ms / 1000)), true],
    [String(ms), true],
    ...offsetForms(`${date}T${time}${fraction}`, `${date} ${time}${fraction}`, bulk, random),
    [`${date}T${time}${fraction}z`, false],
    [` ${date} ${time}`, false],
    [`${date} ${time.slice(0, 5)}`, false],
    [date, false],
    ...numberForms(ms, micros),
  ];
}

/** A local time's texts with offsets from UTC, as apps write them (whole hours, `:30`, `:45` and others). */
function offsetForms(isoLocal: string, spaced: string, bulk: boolean, random: () => number): [string, boolean][] {
  const sign = random() < 0.5 ? '-' : '+';
  const hh = String(Math.floor(random() * 24)).padStart(2, '0');
  const mm = String([0, 30, 45, Math.floor(random() * 60)][Math.floor(random() * 4)]).padStart(2, '0');
  return [
    [`${isoLocal}${sign}${hh}:${mm}`, bulk],
    [`${isoLocal}${sign}${hh}${mm}`, bulk],
    [`${isoLocal}${sign}${hh}`, bulk],
    [`${spaced}${sign}${hh}:${mm}`, bulk],
    [`${spaced}${sign}${hh}`, bulk],
    [`${isoLocal}+00:00`, bulk],
    [`${isoLocal}${sign}24:00`, false],
    [`${isoLocal}${sign}${hh}:60`, false],
    [`${isoLocal}${sign}${hh}:${mm}:00`, false],
  ];
}

/** Decimal texts of one instant, UNIX seconds or milliseconds, as a floating-point or NUMERIC column's. */
function numberForms(ms: number, micros: number): [string, boolean][] {
  const seconds = Math.floor(ms / 1000);
  return [
    [`${seconds}.5`, true],
    [String(ms / 1000), true],
    [(ms / 1000).toFixed(6), true],
    [`${ms}.${micros}`, true],
    [`${ms}.500`, true],
    [`${seconds}.`, false],
    [`${seconds}e0`, false],
  ];
}

/** 5,000 instants (milliseconds) from 1901 to 2099, drawn from `random`. */
function instants(random: () => number): number[] {
  const [from, to] = [Date.UTC(1901, 0, 1), Date.UTC(2099, 11, 31)];
  return Array.from({ length: 5_000 }, () => from + Math.floor(random() * (to - from)));
}

/** The store's instant (milliseconds) of each text in the form, or null where it leaves the text to the row path. */
async function readAll(texts: [string, boolean][], form: 'text' | 'number'): Promise<(number | null)[]> {
  const read = await sqlOverTexts(
    db.connection,
    texts.map(([t]) => t),
    (t) => `epoch_ms(${eventInstant(t, form)})`,
  );
  return read.map((ms) => (ms === null ? null : Number(ms)));
}

/** The texts whose instant differs from the row path's (`value`: what the row path reads from the text). */
function differing(texts: [string, boolean][], read: (number | null)[], value: (t: string) => string | number) {
  return texts.flatMap(([t], i) =>
    read[i] === null || toInstant(value(t))?.getTime() === read[i] ? [] : [`${t}: ${read[i]}`],
  );
}
const leftToTheRowPath = (texts: [string, boolean][], read: (number | null)[]) =>
  texts.filter(([, bulk], i) => bulk && read[i] === null).map(([t]) => t);

describe('text timestamps in bulk (eventInstant, text)', () => {
  it('reads the instant the row path reads, and every form meant for bulk', async () => {
    const random = mulberry32(20261206);
    const texts: [string, boolean][] = [
      ['2026-02-30 09:00:00', false],
      ['2026-10-05 24:00:00', false],
      ['2026-10-05 23:59:60', false],
      ['1234567890123456', false],
      ['', false],
      ['not a time', false],
    ];
    for (const ms of instants(random)) texts.push(...forms(ms, Math.floor(random() * 1000), random));
    const read = await readAll(texts, 'text');
    expect(differing(texts, read, (t) => t)).toEqual([]);
    expect(leftToTheRowPath(texts, read)).toEqual([]);
    expect(texts.filter(([, bulk]) => bulk).length).toBeGreaterThan(40_000);
  });
});

describe('floating-point and NUMERIC timestamps in bulk (eventInstant, number)', () => {
  it("reads the instant the row path reads from the column's number, with or without a fraction", async () => {
    const random = mulberry32(20261207);
    const texts: [string, boolean][] = [
      ['0.0001', false],
      ['-0.0004', false],
      ['0.0015', true],
      ['1e+20', false],
      ['NaN', false],
    ];
    for (const ms of instants(random))
      texts.push(
        [String(Math.floor(ms / 1000)), true],
        [String(ms), true],
        ...numberForms(ms, Math.floor(random() * 1000)),
      );
    const read = await readAll(texts, 'number');
    // The row path gets the driver's number: the text's double.
    expect(differing(texts, read, Number)).toEqual([]);
    expect(leftToTheRowPath(texts, read)).toEqual([]);
  });
});
