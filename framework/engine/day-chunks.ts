/**
 * The files a multi-day export is cut into on its way to the store: each row is appended to
 * its day's current file, and a file is handed on as soon as it holds `rowsPerFile` rows
 * (`firstFileRows` for a day's first), or earlier, from `minFileRows` rows on, when the store
 * has a lane with nothing to load (`want`), so the store loads while the warehouse is still
 * sending. Rows are copied as
 * bytes (no value per row); each day holds one small write buffer. When the store falls
 * behind, the files waiting for it would pile up on disk, so the export is paused until it
 * catches up.
 */
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { DayRowSink } from '../connectors/types.js';
import { internalError } from '../diagnostics/errors.js';

/** One finished file of one day. */
export interface DayChunk {
  day: number;
  file: string;
  rows: number;
  bytes: number;
  /** A file of one row too long for the store's bulk reader (see OVERSIZE_ROW_BYTES): the row path's checks read it. */
  oversize?: boolean;
}

/**
 * Rows longer than this (bytes, newline included) go to a file of their own instead of the
 * day's bulk file: DuckDB's CSV reader refuses lines over 2 MB (its max_line_size) and would
 * fail the whole file, so a single huge value would fail the day instead of being one reject.
 */
export const OVERSIZE_ROW_BYTES = 1024 * 1024;

/** A day field (`YYYY-MM-DD`) and the tab after it, left out of the files with `omitDay`. */
const DAY_FIELD_BYTES = 11;
const TAB = 0x09;

/** Per day: large enough that the writes cost little next to the copies. */
const BUFFER_BYTES = 128 * 1024;
/** Bytes of finished files not yet loaded above which the export waits. */
export const MAX_PENDING_BYTES = 256 * 1024 * 1024;

interface DayFile {
  buffer: Buffer;
  view: DataView;
  used: number;
  fd: number | null;
  file: string;
  rows: number;
  bytes: number;
  files: number;
  /** Rows at which the current file is handed on. */
  limit: number;
}

export interface DayChunkFilesOptions {
  /** The folder the chunk files are written to. */
  dir: string;
  dayCount: number;
  rowsPerFile: number;
  onChunk: (chunk: DayChunk) => void;
  maxPendingBytes?: number;
  /** Rows of each day's first file: smaller, so the store starts loading early in the export. */
  firstFileRows?: number;
  /**
   * Fewest rows of a file handed on early, when the store wants one (`want`): days
   * interleaved in the export each fill a file only after `rowsPerFile` rows of every day,
   * and the store sat idle meanwhile whenever it had caught up.
   */
  minFileRows?: number;
  /**
   * Leave each row's first field, its day, out of the files (not out of an oversize row's
   * file): the day of every row of a file is the file's, so a DATE day column would only be
   * written, read and skipped again (a fifth of a metrics row's bytes).
   */
  omitDay?: boolean;
}

export class DayChunkFiles implements DayRowSink {
  /** Rows received per day. */
  readonly rowsPerDay: number[];
  private readonly days: DayFile[];
  private flow: { pause(): void; resume(): void } | null = null;
  private pendingBytes = 0;
  private paused = false;
  private discarded = false;
  private source: Buffer | null = null;
  private sourceView: DataView | null = null;
  /** Set while the store waits for a file: which days may hand one on (see `want`). */
  private wanted: ((day: number) => boolean) | null = null;
  private readonly minFileRows: number;
  private readonly omitDay: boolean;

  private readonly dir: string;
  private readonly rowsPerFile: number;
  private readonly onChunk: (chunk: DayChunk) => void;
  private readonly maxPendingBytes: number;

  constructor(options: DayChunkFilesOptions) {
    const { dayCount, rowsPerFile, firstFileRows = rowsPerFile } = options;
    ({ dir: this.dir, rowsPerFile: this.rowsPerFile, onChunk: this.onChunk } = options);
    this.minFileRows = Math.min(options.minFileRows ?? rowsPerFile, rowsPerFile);
    this.omitDay = options.omitDay ?? false;
    this.maxPendingBytes = options.maxPendingBytes ?? MAX_PENDING_BYTES;
    this.rowsPerDay = new Array<number>(dayCount).fill(0);
    this.days = Array.from({ length: dayCount }, () => {
      const buffer = Buffer.allocUnsafe(BUFFER_BYTES);
      return {
        buffer,
        view: new DataView(buffer.buffer, buffer.byteOffset, buffer.length),
        used: 0,
        fd: null,
        file: '',
        rows: 0,
        bytes: 0,
        files: 0,
        limit: firstFileRows,
      };
    });
  }

  attach(flow: { pause(): void; resume(): void }): void {
    this.flow = flow;
  }

  row(day: number, buf: Buffer, start: number, end: number): void {
    this.rowsPerDay[day] += 1;
    if (this.discarded) return;
    const d = this.days[day];
    if (end - start > OVERSIZE_ROW_BYTES) return this.oversize(day, d, buf.subarray(start, end));
    if (this.omitDay) start = afterDay(buf, start, end);
    const length = end - start;
    if (d.used + length > d.buffer.length) this.flush(day, d);
    if (length > d.buffer.length) this.write(day, d, buf.subarray(start, end));
    else if (length < 128) {
      // Short rows: copied four bytes at a time through DataViews; Buffer#copy allocates a
      // view per call, garbage for every row.
      if (buf !== this.source) {
        this.source = buf;
        this.sourceView = new DataView(buf.buffer, buf.byteOffset, buf.length);
      }
      const from = this.sourceView!;
      const to = d.view;
      let at = d.used;
      let i = start;
      for (; i + 4 <= end; i += 4, at += 4) to.setUint32(at, from.getUint32(i));
      for (; i < end; i++) d.buffer[at++] = buf[i];
      d.used = at;
    } else d.used += buf.copy(d.buffer, d.used, start, end);
    d.bytes += length;
    if (++d.rows === d.limit) this.close(day, d);
    else if (this.wanted !== null && d.rows >= this.minFileRows && this.wanted(day)) {
      this.wanted = null;
      this.close(day, d);
    }
  }

  /**
   * The store has a lane with nothing to load: hands on one file early, of the fullest day
   * `eligible` allows (a day whose load is busy would keep the lane waiting) that holds at
   * least `minFileRows` rows; without one, the first eligible day to reach that many.
   */
  want(eligible: (day: number) => boolean): void {
    this.wanted = null;
    if (this.discarded) return;
    let best = -1;
    this.days.forEach((d, day) => {
      if (d.rows >= this.minFileRows && (best < 0 || d.rows > this.days[best].rows) && eligible(day)) best = day;
    });
    if (best >= 0) this.close(best, this.days[best]);
    else this.wanted = eligible;
  }

  /** After the export: hands on every day's last, partly filled file. */
  finish(): void {
    this.wanted = null;
    if (this.discarded) return;
    this.days.forEach((d, day) => {
      if (d.rows > 0) this.close(day, d);
    });
  }

  /** The store is done with a file: it is removed, and the export resumes once the backlog is small again. */
  consumed(chunk: DayChunk): void {
    rmSync(chunk.file, { force: true });
    this.pendingBytes -= chunk.bytes;
    if (this.paused && this.pendingBytes <= this.maxPendingBytes / 2) {
      this.paused = false;
      this.flow?.resume();
    }
  }

  /** Stops writing (the load failed); rows still arriving are counted and dropped, and the export is not held up. */
  discard(): void {
    this.discarded = true;
    for (const d of this.days) {
      if (d.fd !== null) closeSync(d.fd);
      d.fd = null;
    }
    if (this.paused) {
      this.paused = false;
      this.flow?.resume();
    }
  }

  /**
   * A row too long for the bulk reader: its own file, handed on at once, after the day's open
   * file of the rows before it, so the store loads the day's rows in the export's order (which
   * of two rows with one timeuuid is kept, and which rejects come first, follow it).
   */
  private oversize(day: number, d: DayFile, bytes: Buffer): void {
    if (d.rows > 0) this.close(day, d);
    const file = join(this.dir, `day${day}-${d.files++}-oversize.csv`);
    const fd = openSync(file, 'w');
    try {
      writeSync(fd, bytes);
    } finally {
      closeSync(fd);
    }
    this.pendingBytes += bytes.length;
    this.onChunk({ day, file, rows: 1, bytes: bytes.length, oversize: true });
  }

  private write(day: number, d: DayFile, bytes: Buffer): void {
    if (d.fd === null) {
      d.file = join(this.dir, `day${day}-${d.files++}.csv`);
      d.fd = openSync(d.file, 'w');
    }
    writeSync(d.fd, bytes);
  }

  private flush(day: number, d: DayFile): void {
    if (d.used === 0) return;
    this.write(day, d, d.buffer.subarray(0, d.used));
    d.used = 0;
  }

  private close(day: number, d: DayFile): void {
    this.flush(day, d);
    closeSync(d.fd!);
    const chunk = { day, file: d.file, rows: d.rows, bytes: d.bytes };
    d.fd = null;
    d.rows = d.bytes = 0;
    d.limit = this.rowsPerFile;
    this.pendingBytes += chunk.bytes;
    if (!this.paused && this.pendingBytes > this.maxPendingBytes) {
      this.paused = true;
      this.flow?.pause();
    }
    this.onChunk(chunk);
  }
}

/**
 * Where a row's fields after its day start. The exports route a row by the `YYYY-MM-DD` it
 * starts with, and a DATE's text is nothing more; anything else would shift every column of
 * the file, so it fails the load instead.
 */
function afterDay(buf: Buffer, start: number, end: number): number {
  if (start + DAY_FIELD_BYTES > end || buf[start + DAY_FIELD_BYTES - 1] !== TAB) {
    const tab = buf.indexOf(TAB, start);
    const field = buf.toString('utf8', start, Math.min(tab < 0 || tab > end ? end : tab, start + 32));
    throw internalError(`An exported row's day field is not a plain YYYY-MM-DD date: ${JSON.stringify(field)}.`);
  }
  return start + DAY_FIELD_BYTES;
}
