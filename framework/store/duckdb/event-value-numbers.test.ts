import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../test/support/random.js';
import { sqlOverTexts } from '../../../test/support/sql-over-texts.js';
import { openDuckDB, type DuckDBHandle } from '../../util/duckdb.js';
import { numberText } from './number-text-sql.js';

/**
 * The bulk reading of a number column's text as event_value (numberText) against JavaScript
 * itself: every text it reads must give the text the row path stores, `String(Number(text))`;
 * and it must read every text of a double that JavaScript writes as a plain decimal between
 * 1e-4 and 1e15, or of a whole number below 1e16, so that such values never need the row path:
 * as JavaScript writes it, with 17 significant digits, in exponent form, with a trailing `.0`
 * and with trailing zeros (a NUMERIC's `9.990`). The doubles come from a seeded generator (the
 * same every run): random bit patterns, cents, values over 30 orders of magnitude.
 */

let db: DuckDBHandle;
beforeAll(async () => {
  db = await openDuckDB(':memory:');
});
afterAll(() => db.close());

function doubles(n: number): number[] {
  const random = mulberry32(20261206);
  const bits = new DataView(new ArrayBuffer(8));
  const out: number[] = [0, -0, 5, 100, 0.1, 0.30000000000000004, 1e-4, 99999999999999.9, 123456789012345.6];
  while (out.length < n) {
    const kind = out.length % 3;
    if (kind === 0) {
      bits.setUint32(0, Math.floor(random() * 2 ** 32));
      bits.setUint32(4, Math.floor(random() * 2 ** 32));
      out.push(bits.getFloat64(0));
    } else if (kind === 1) out.push(Math.round((random() - 0.5) * 1e8) / 100);
    else out.push((random() - 0.5) * 10 ** Math.floor(random() * 30 - 10));
  }
  return out.filter(Number.isFinite);
}

describe('event_value numbers in bulk (numberText)', () => {
  it('gives the text the row path stores, for every plain form of a double it should read', async () => {
    const values = doubles(30_000);
    // Trailing zeros as a NUMERIC's or DuckDB's text writes them (`5.0`, `9.990`), for plain decimals only.
    const forms = (x: number) => {
      const text = String(x);
      const zeros = /^-?[0-9]+$/.test(text) ? ['.0', '.000'] : /^-?[0-9]+\.[0-9]+$/.test(text) ? ['0', '00'] : [];
      return [text, x.toPrecision(17), x.toExponential(), ...zeros.map((z) => text + z)];
    };
    const texts = values.flatMap((x) => forms(x).map((t): [string, number] => [t, x]));
    // Texts that are no plain decimal: read by the row path only (NaN: not meant to be read here).
    const odd = ['NaN', 'Infinity', '-Infinity', '007', '', '-', '.5', '1.', ' 5', '0x10', '1e999', '1_000', '+5'];
    texts.push(...odd.map((t): [string, number] => [t, NaN]), ['-0', -0], ['5.0', 5], ['9.990', 9.99], ['1e-05', 1e-5]);
    const read = await sqlOverTexts(
      db.connection,
      texts.map(([t]) => t),
      numberText,
    );
    const wrong = texts.filter(([t], i) => read[i] !== null && read[i] !== String(Number(t)));
    expect(wrong).toEqual([]);
    const meant = (x: number) => {
      const a = Math.abs(x);
      return Number.isInteger(x) ? a < 1e16 : /^-?[0-9]+\.[0-9]+$/.test(String(x)) && a >= 1e-4 && a < 1e15;
    };
    const refused = texts.filter(([, x], i) => meant(x) && read[i] === null);
    expect(refused).toEqual([]);
    expect(texts.filter(([, x]) => meant(x)).length).toBeGreaterThan(60_000);
  });
});
