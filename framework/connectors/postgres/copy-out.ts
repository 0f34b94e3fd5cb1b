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
 */
import type pg from 'pg';

/** Receives each row: `buf[start, end)` is the row's CSV text with its newline; valid only during the call. */
export type CopyRowHandler = (buf: Buffer, start: number, end: number) => void;

const COPY_DATA = 0x64; // 'd'
const COPY_OUT_RESPONSE = 0x48; // 'H'
const NOTICE = 0x4e; // 'N'
const PARAMETER_STATUS = 0x53; // 'S'
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
      if (type !== COPY_DATA && !skippable(type)) {
        this.handBack(chunk.subarray(i));
        return;
      }
      if (end > n) {
        this.startCarry(chunk, i, end - i);
        return;
      }
      if (type === COPY_DATA) this.row(chunk, i + HEADER, end);
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
      if (type !== COPY_DATA && !skippable(type)) {
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
    if (carry[0] === COPY_DATA) this.row(carry, HEADER, carry.length);
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

/** Messages the backend may send in the middle of a copy that do not end it. */
function skippable(type: number): boolean {
  return type === COPY_OUT_RESPONSE || type === NOTICE || type === PARAMETER_STATUS;
}
