/**
 * The bulk export of sources whose client hands results over in pages of raw values
 * (Snowflake's result chunks, BigQuery's getQueryResults pages): each row's values, already
 * the warehouse's text for most types, are written as one line of PostgreSQL's COPY text
 * format (see ColumnarExport) and a page's lines are handed to the sink from one buffer,
 * routed to their day by the day column's text. No Row object, mapping or per-row check:
 * the store checks the rows column-wise; only rows it cannot accept outright come back
 * through parseRow.
 */
import { WharfError } from '../../diagnostics/errors.js';
import type { DayFilter, DayRowSink } from '../types.js';

/** One value as its exported text (null: SQL NULL, written `\N`). */
export type FieldText = (value: unknown) => string | null;

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPED: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A string with COPY's escapes for backslash, tab, newline and carriage return. */
export function copyEscape(text: string): string {
  return NEEDS_ESCAPE.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => ESCAPED[c]) : text;
}

/** Where the writer hands its lines: a DayRowSink, or anything taking its rows. */
export type LineSink = Pick<DayRowSink, 'row'>;

/** Lines collected before they are encoded and handed to the sink at once. */
const LINES_PER_FLUSH = 8_192;

export interface TextRowsOptions {
  filters: DayFilter[];
  /** Per day index, the day's fingerprint token for its first row; null: no fingerprint column. */
  tokens: (string | null)[] | null;
  mapping: string;
}

/**
 * Turns rows of raw values into COPY text lines for the sink. The first field is the day
 * column; a single-day export routes every row to that day (a TIMESTAMP day column's text is
 * not the zone's day).
 */
export class TextRowWriter {
  private readonly dayIndex = new Map<string, number>();
  private readonly seen = new Set<number>();
  private lines: string[] = [];
  private days: number[] = [];

  constructor(
    private readonly fields: FieldText[],
    private readonly sink: LineSink,
    private readonly options: TextRowsOptions,
  ) {
    options.filters.forEach((f, i) => {
      if (!this.dayIndex.has(f.day)) this.dayIndex.set(f.day, i);
    });
  }

  /** Adds one row (its values in export order, the day column first). */
  row(values: ArrayLike<unknown>): void {
    let line = '';
    for (let i = 0; i < this.fields.length; i++) {
      const text = values[i] === null || values[i] === undefined ? null : this.fields[i](values[i]);
      line += (i === 0 ? '' : '\t') + (text === null ? '\\N' : text);
    }
    const day = this.dayOf(line, values[0]);
    if (this.options.tokens) line += `\t${this.term(day)}`;
    this.lines.push(line);
    this.days.push(day);
    if (this.lines.length >= LINES_PER_FLUSH) this.flush();
  }

  /** Hands the collected lines to the sink. */
  flush(): void {
    if (this.lines.length === 0) return;
    const buf = Buffer.from(`${this.lines.join('\n')}\n`);
    let start = 0;
    for (const day of this.days) {
      // Fields hold no raw newline (escaped), so each newline ends the next line.
      const end = buf.indexOf(10, start) + 1;
      this.sink.row(day, buf, start, end);
      start = end;
    }
    this.lines = [];
    this.days = [];
  }

  private dayOf(line: string, dayValue: unknown): number {
    if (this.options.filters.length === 1) return 0;
    const day = dayValue === null || dayValue === undefined ? undefined : this.dayIndex.get(line.slice(0, 10));
    if (day === undefined) {
      const message = `The export of mapping '${this.options.mapping}' returned a row outside the days asked for: ${line.slice(0, 200)}`;
      throw new WharfError(message, { code: 'query.export-day', errorClass: 'internal' });
    }
    return day;
  }

  /** The row's fingerprint term: the day's token on its first row, else 0 (see FingerprintTokens). */
  private term(day: number): string {
    const token = this.options.tokens?.[day];
    if (!token || this.seen.has(day)) return '0';
    this.seen.add(day);
    return token;
  }
}

/** Flow control for a page loop: the sink pauses it while the store catches up. */
export class PageFlow {
  paused = false;
  private waiting: (() => void) | null = null;

  readonly control = {
    pause: () => {
      this.paused = true;
    },
    resume: () => {
      this.paused = false;
      this.waiting?.();
      this.waiting = null;
    },
  };

  /** Resolves once the sink is not paused. */
  ready(): Promise<void> {
    if (!this.paused) return Promise.resolve();
    return new Promise((resolve) => (this.waiting = resolve));
  }
}
