/**
 * `COPY … TO STDOUT` read straight off the connection, one callback per row with the row's
 * bytes in the network buffer: no Buffer, string or object per row. pg-copy-streams (which
 * the other COPY uses) allocates a Buffer slice per CopyData message, which for millions of
 * short rows costs CPU on the scale of the server's own work; on two cores that time is taken
 * from the load itself.
 *
 * The backend sends exactly one CopyData message per row (PostgreSQL protocol, "COPY
 * Operations"), so a message boundary is a row boundary and no text has to be parsed here.
 * Like pg-copy-streams, the query takes over the socket's `data` listener from pg while the
 * copy runs and hands everything from CopyDone or an ErrorResponse on back to pg, which then
 * completes (or fails) the query as usual.
 *
 * A plain query's rows come the same way, one DataRow message per row, for a backend without
 * `COPY … TO STDOUT` (Redshift): QUERY_ROWS reads those, and `dataRowsAsCopyText` writes each
 * as the line COPY's text format would have written for it.
 */
import type pg from 'pg';

/** Receives each row: `buf[start, end)` is the row's CSV text with its newline; valid only during the call. */
export type CopyRowHandler = (buf: Buffer, start: number, end: number) => void;

/** Which messages carry the rows, and which others may come before or among them without ending them. */
export interface RowMessages {
  row: number;
  skippable: readonly number[];
}

const NOTICE = 0x4e; // 'N'
const PARAMETER_STATUS = 0x53; // 'S'
/** CopyData ('d') rows, after a CopyOutResponse ('H'). */
export const COPY_ROWS: RowMessages = { row: 0x64, skippable: [0x48, NOTICE, PARAMETER_STATUS] };
/** DataRow ('D') rows of a plain query, after its RowDescription ('T'). */
export const QUERY_ROWS: RowMessages = { row: 0x44, skippable: [0x54, NOTICE, PARAMETER_STATUS] };
const HEADER = 5; // type byte + int32 length (which counts itself)
/** A read shorter than this found the socket nearly empty. */
const SMALL_READ = 32 * 1024;
const HOLD_MS = 1;

interface PgConnection {
  stream: NodeJS.ReadableStream & { listeners(event: 'data'): ((chunk: Buffer) => void)[] };
  query(text: string): void;
}

export class CopyOutQuery implements pg.Submittable {
  /** Rows received so far. */
  rows = 0;
  readonly done: Promise<number>;
  private resolve!: (rows: number) => void;
  private reject!: (err: Error) => void;
  private failed: Error | null = null;
  private connection: PgConnection | null = null;
  private pgListener: ((chunk: Buffer) => void) | null = null;
  private readonly onData = (chunk: Buffer) => this.parse(chunk);
  /** A message cut by the end of a network chunk: its bytes so far. */
  private carry: Buffer | null = null;
  private carried = 0;
  private paused = false;
  private holding = false;

  constructor(
    private readonly sql: string,
    private readonly onRow: CopyRowHandler,
    private readonly messages: RowMessages = COPY_ROWS,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  submit(connection: unknown): void {
    const c = connection as PgConnection;
    this.connection = c;
    const [listener] = c.stream.listeners('data');
    this.pgListener = listener;
    c.stream.removeListener('data', listener);
    c.stream.on('data', this.onData);
    c.query(this.sql);
  }

  /** Stops reading from the server (backpressure); the server waits once its socket buffer is full. */
  pause(): void {
    this.paused = true;
    this.connection?.stream.pause();
  }

  resume(): void {
    this.paused = false;
    if (!this.holding) this.connection?.stream.resume();
  }

  /**
   * Reading as fast as the server writes means a wake-up per few kilobytes, and the wake-ups
   * cost more CPU than the rows: after a short read, wait a millisecond so the next read
   * finds the socket buffer full.
   */
  private holdReads(): void {
    if (this.holding) return;
    this.holding = true;
    this.connection!.stream.pause();
    setTimeout(() => {
      this.holding = false;
      if (!this.paused) this.connection?.stream.resume();
    }, HOLD_MS);
  }

  /** A server error (after handBack) or a broken connection: the copy has failed. */
  handleError(err: Error): void {
    this.failed ??= err;
    this.reject(this.failed);
  }

  handleCommandComplete(): void {}

  handleReadyForQuery(): void {
    if (this.failed) this.reject(this.failed);
    else this.resolve(this.rows);
  }

  private parse(chunk: Buffer): void {
    if (chunk.length < SMALL_READ) this.holdReads();
    let i = 0;
    if (this.carry) {
      i = this.completeCarried(chunk);
      if (i < 0) return;
    }
    const n = chunk.length;
    while (i < n) {
      if (n - i < HEADER) {
        this.startCarry(chunk, i, HEADER);
        return;
      }
      const type = chunk[i];
      // Written out: Buffer#readUInt32BE is a call per row here.
      const end = i + 1 + (((chunk[i + 1] << 24) | (chunk[i + 2] << 16) | (chunk[i + 3] << 8) | chunk[i + 4]) >>> 0);
      if (type !== this.messages.row && !this.messages.skippable.includes(type)) {
        this.handBack(chunk.subarray(i));
        return;
      }
      if (end > n) {
        this.startCarry(chunk, i, end - i);
        return;
      }
      if (type === this.messages.row) this.row(chunk, i + HEADER, end);
      i = end;
    }
  }

  /** Keeps the start of a message that continues in the next chunk (`size`: what is known of its length). */
  private startCarry(chunk: Buffer, from: number, size: number): void {
    this.carry = Buffer.allocUnsafe(Math.max(size, HEADER));
    this.carried = chunk.copy(this.carry, 0, from);
  }

  /** Completes the carried message from `chunk`; the offset after it, or -1 when the chunk ran out first. */
  private completeCarried(chunk: Buffer): number {
    let i = 0;
    let carry = this.carry!;
    if (this.carried < HEADER) {
      const take = Math.min(HEADER - this.carried, chunk.length);
      chunk.copy(carry, this.carried, 0, take);
      this.carried += take;
      i = take;
      if (this.carried < HEADER) return -1;
      const type = carry[0];
      if (type !== this.messages.row && !this.messages.skippable.includes(type)) {
        this.carry = null;
        this.handBack(Buffer.concat([carry.subarray(0, HEADER), chunk.subarray(i)]));
        return -1;
      }
      const size = 1 + carry.readUInt32BE(1);
      if (size > carry.length) {
        const grown = Buffer.allocUnsafe(size);
        carry.copy(grown, 0, 0, this.carried);
        this.carry = carry = grown;
      }
    }
    const take = Math.min(carry.length - this.carried, chunk.length - i);
    chunk.copy(carry, this.carried, i, i + take);
    this.carried += take;
    i += take;
    if (this.carried < carry.length) return -1;
    this.carry = null;
    if (carry[0] === this.messages.row) this.row(carry, HEADER, carry.length);
    return i;
  }

  private row(buf: Buffer, start: number, end: number): void {
    this.rows += 1;
    if (this.failed) return;
    try {
      this.onRow(buf, start, end);
    } catch (err) {
      // The rows keep coming until the server ends the copy; they are dropped and the query fails.
      this.failed = err instanceof Error ? err : new Error(String(err));
    }
  }

  /** From CopyDone or an ErrorResponse on, the messages are pg's again. */
  private handBack(rest: Buffer): void {
    const c = this.connection!;
    c.stream.removeListener('data', this.onData);
    c.stream.on('data', this.pgListener!);
    c.stream.resume();
    if (rest.length) this.pgListener!(rest);
  }
}

/** Fields from this many bytes on are copied in runs rather than byte by byte. */
const LONG_FIELD = 64;

/** COPY's text-format escape letter of each byte it escapes (PostgreSQL's CopyAttributeOutText), else 0. */
const COPY_ESCAPE = new Uint8Array(256);
for (const [byte, letter] of [
  [0x08, 'b'],
  [0x09, 't'],
  [0x0a, 'n'],
  [0x0b, 'v'],
  [0x0c, 'f'],
  [0x0d, 'r'],
  [0x5c, '\\'],
] as const)
  COPY_ESCAPE[byte] = letter.charCodeAt(0);

/**
 * A DataRow handler (QUERY_ROWS) that hands `onRow` each row as the line `COPY … TO STDOUT`
 * writes for it: text fields (a plain query's values are the same output functions' text)
 * joined by tabs, `\N` for NULL, COPY's escapes, a newline.
 */
export function dataRowsAsCopyText(onRow: CopyRowHandler): CopyRowHandler {
  const line = new CopyLine();
  return (buf, start, end) => {
    // Each field's 4-byte length becomes at most a tab and `\N`; each byte at most two.
    line.start(2 * (end - start) + 1);
    const fields = (buf[start] << 8) | buf[start + 1];
    let i = start + 2;
    for (let f = 0; f < fields; f++) {
      if (f > 0) line.byte(0x09);
      const length = (buf[i] << 24) | (buf[i + 1] << 16) | (buf[i + 2] << 8) | buf[i + 3];
      i += 4;
      if (length < 0) {
        line.byte(0x5c);
        line.byte(0x4e);
        continue;
      }
      line.escaped(buf, i, i + length);
      i += length;
    }
    line.byte(0x0a);
    onRow(line.out, 0, line.length);
  };
}

/** One row's COPY text line, written into a buffer reused from row to row. */
class CopyLine {
  out = Buffer.allocUnsafe(64 * 1024);
  length = 0;

  /** Starts a line of at most `bound` bytes. */
  start(bound: number): void {
    if (this.out.length < bound) this.out = Buffer.allocUnsafe(2 * bound);
    this.length = 0;
  }

  byte(value: number): void {
    this.out[this.length++] = value;
  }

  /**
   * Appends `buf[from, to)` with COPY's escapes. A short field is copied byte by byte as it is
   * scanned (a `Buffer#copy` call costs more than its bytes); a longer one is scanned, then
   * copied in runs between escapes.
   */
  escaped(buf: Buffer, from: number, to: number): void {
    const out = this.out;
    let o = this.length;
    if (to - from < LONG_FIELD) {
      for (let j = from; j < to; j++) {
        const byte = buf[j];
        const letter = COPY_ESCAPE[byte];
        if (letter === 0) {
          out[o++] = byte;
        } else {
          out[o++] = 0x5c;
          out[o++] = letter;
        }
      }
      this.length = o;
      return;
    }
    let run = from;
    for (let j = from; j < to; j++) {
      const letter = COPY_ESCAPE[buf[j]];
      if (letter === 0) continue;
      o += buf.copy(out, o, run, j);
      out[o++] = 0x5c;
      out[o++] = letter;
      run = j + 1;
    }
    this.length = o + buf.copy(out, o, run, to);
  }
}
