/**
 * Routing the rows of a several-day text export to their days: each exported row starts with
 * its day as `YYYY-MM-DD` (PostgreSQL's COPY and DuckDB's export write it first), read from
 * the row's bytes without decoding them; and the text of a field of COPY's text format.
 * Shared by the PostgreSQL and DuckDB columnar exports.
 */
const DASH = 0x2d;
const ZERO = 0x30;

/** `YYYY-MM-DD` as the number YYYYMMDD. */
export function dayNumber(day: string): number {
  return Number(day.slice(0, 4) + day.slice(5, 7) + day.slice(8, 10));
}

/**
 * The day (YYYYMMDD) that starts the exported row `buf[start, end)`, or NaN when it does not start with `YYYY-MM-DD`.
 */
export function rowDayNumber(buf: Buffer, start: number, end: number): number {
  if (start + 10 > end || buf[start + 4] !== DASH || buf[start + 7] !== DASH) return NaN;
  // Written out: this runs once per exported row.
  const y1 = buf[start] - ZERO,
    y2 = buf[start + 1] - ZERO,
    y3 = buf[start + 2] - ZERO,
    y4 = buf[start + 3] - ZERO;
  const m1 = buf[start + 5] - ZERO,
    m2 = buf[start + 6] - ZERO,
    d1 = buf[start + 8] - ZERO,
    d2 = buf[start + 9] - ZERO;
  // Unsigned, a byte below '0' is above 9 too.
  if (
    y1 >>> 0 > 9 ||
    y2 >>> 0 > 9 ||
    y3 >>> 0 > 9 ||
    y4 >>> 0 > 9 ||
    m1 >>> 0 > 9 ||
    m2 >>> 0 > 9 ||
    d1 >>> 0 > 9 ||
    d2 >>> 0 > 9
  )
    return NaN;
  return y1 * 10_000_000 + y2 * 1_000_000 + y3 * 100_000 + y4 * 10_000 + m1 * 1000 + m2 * 100 + d1 * 10 + d2;
}

/** Widest span of YYYYMMDD numbers looked up in a table; wider spans use a Map. */
const MAX_TABLE_SPAN = 1 << 20;

/**
 * The index of each row's day among the days asked for, from the text the row starts with
 * (-1: none of them). A table indexed by YYYYMMDD offset, since a Map lookup per row showed
 * up next to the copy of the row itself.
 */
export class DayRouter {
  private readonly base: number;
  private readonly table: Int16Array | null;
  private readonly map: Map<number, number>;

  constructor(days: string[]) {
    const numbers = days.map(dayNumber);
    this.map = new Map();
    numbers.forEach((n, i) => {
      if (!this.map.has(n)) this.map.set(n, i);
    });
    this.base = Math.min(...numbers);
    const span = Math.max(...numbers) - this.base + 1;
    this.table = span <= MAX_TABLE_SPAN ? new Int16Array(span).fill(-1) : null;
    for (const [n, i] of this.map) if (this.table) this.table[n - this.base] = i;
  }

  dayOf(buf: Buffer, start: number, end: number): number {
    const n = rowDayNumber(buf, start, end);
    if (this.table === null) return this.map.get(n) ?? -1;
    const at = n - this.base;
    // NaN fails both comparisons.
    return at >= 0 && at < this.table.length ? this.table[at] : -1;
  }
}

const COPY_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/**
 * A field of COPY's text format as the value's text: `\n`, `\t` and the other letter escapes
 * become their control characters, and a backslash before any other character stands for
 * that character (COPY TO writes no octal or hex escapes).
 */
export function unescapeCopyText(field: string): string {
  if (!field.includes('\\')) return field;
  return field.replace(/\\(.)/gs, (_, c: string) => COPY_ESCAPES[c] ?? c);
}
