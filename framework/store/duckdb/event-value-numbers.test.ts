import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../test/support/random.js';
import { openDuckDB, type DuckDBHandle } from '../../util/duckdb.js';
import { shortestNumber } from './event-csv-sql.js';

/**
 * The bulk rule for a number's text as event_value (shortestNumber) against JavaScript itself:
 * every text it accepts must be the text the row path stores, `String(Number(text))`; and it
 * must accept JavaScript's own text of every double that JavaScript writes as a plain decimal
 * between 1e-4 and 1e15, so that such values never need the row path. The doubles come from a
 * seeded generator (the same every run): random bit patterns, cents, values over 30 orders of
 * magnitude; each is offered as JavaScript writes it, with 17 significant digits, in
 * exponent form, and with a trailing `.0`.
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

describe('event_value numbers in bulk (shortestNumber)', () => {
  it('accepts only the texts the row path stores unchanged, and JavaScript’s plain decimals', async () => {
    const values = doubles(30_000);
    const texts = values.flatMap((x) => [String(x), x.toPrecision(17), x.toExponential(), `${String(x)}.0`]);
    texts.push('NaN', 'Infinity', '-Infinity', '-0', '5.0', '9.990', '007', '1e-05', '', '-', '.5', '1.');
    await db.connection.run('CREATE OR REPLACE TABLE texts (i INTEGER, t VARCHAR)');
    const appender = await db.connection.createAppender('texts');
    texts.forEach((t, i) => {
      appender.appendInteger(i);
      appender.appendVarchar(t);
      appender.endRow();
    });
    appender.closeSync();
    const reader = await db.connection.runAndReadAll(
      `SELECT i FROM texts WHERE coalesce(${shortestNumber('t')}, false) ORDER BY i`,
    );
    const accepted = new Set(reader.getRowsJS().map(([i]) => Number(i)));
    const wrong = [...accepted].map((i) => texts[i]).filter((t) => String(Number(t)) !== t);
    expect(wrong).toEqual([]);
    const plain = values.filter((x) => {
      const a = Math.abs(x);
      return /^-?[0-9]+(\.[0-9]+)?$/.test(String(x)) && !Object.is(x, -0) && a < 1e15 && (a === 0 || a >= 1e-4);
    });
    const indexOf = new Map(texts.map((t, i) => [t, i]));
    const refused = plain.filter((x) => !accepted.has(indexOf.get(String(x))!));
    expect(refused).toEqual([]);
    expect(plain.length).toBeGreaterThan(15_000);
  });
});
