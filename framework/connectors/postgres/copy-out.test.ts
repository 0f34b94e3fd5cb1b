/**
 * CopyOutQuery against the real test PostgreSQL: rows complete, in order and byte-exact
 * (small rows, rows far larger than a network chunk, NOTICEs in the middle of the copy), a
 * server error mid-copy, pause/resume (checked against the bytes the paused socket holds
 * back, not against time), and a failing row handler. The bytes the server sent
 * are also replayed cut into tiny chunks, so every way a message can straddle two chunks
 * (inside the header, inside the body, at a message handed back to pg) is exercised.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/postgres.js';
import { CopyOutQuery } from './copy-out.js';

interface Copied {
  rows: Buffer[];
  count: number;
  /** Every byte pg's socket received while the copy ran (CopyOutResponse to ReadyForQuery). */
  raw: Buffer;
}

/** Runs `COPY (select) TO STDOUT (FORMAT csv)` on `client`, keeping each row's bytes and the raw socket bytes. */
async function copyOut(
  client: pg.Client,
  select: string,
  onRow?: (copy: CopyOutQuery, row: Buffer) => void,
): Promise<Copied> {
  const rows: Buffer[] = [];
  const chunks: Buffer[] = [];
  const stream = (client as unknown as { connection: { stream: NodeJS.ReadableStream } }).connection.stream;
  const tap = (chunk: Buffer) => chunks.push(Buffer.from(chunk));
  stream.on('data', tap);
  const copy: CopyOutQuery = new CopyOutQuery(`COPY (${select}) TO STDOUT (FORMAT csv)`, (buf, start, end) => {
    const row = Buffer.from(buf.subarray(start, end));
    rows.push(row);
    onRow?.(copy, row);
  });
  try {
    client.query(copy);
    const count = await copy.done;
    return { rows, count, raw: Buffer.concat(chunks) };
  } finally {
    stream.removeListener('data', tap);
  }
}

/** The protocol messages of `raw`: type letter and offset. */
function messages(raw: Buffer): { type: string; at: number; size: number }[] {
  const out = [];
  for (let i = 0; i < raw.length; i += 1 + raw.readUInt32BE(i + 1))
    out.push({ type: String.fromCharCode(raw[i]), at: i, size: 1 + raw.readUInt32BE(i + 1) });
  return out;
}

/**
 * Feeds `raw` (bytes a real copy received) to a new CopyOutQuery in chunks, through a
 * stand-in for pg's connection: chunks of the given sizes (cycled), or cut at the given
 * offsets. Returns the rows it reported and what it handed back to "pg" (the bytes from
 * CopyDone or ErrorResponse on).
 */
function replay(
  raw: Buffer,
  cut: { sizes: number[] } | { at: number[] },
): { rows: Buffer[]; handedBack: Buffer; pgSawCopyData: boolean } {
  const rows: Buffer[] = [];
  const back: Buffer[] = [];
  const stream = new EventEmitter() as EventEmitter & { pause(): void; resume(): void };
  stream.pause = () => undefined;
  stream.resume = () => undefined;
  stream.on('data', (chunk: Buffer) => back.push(Buffer.from(chunk)));
  const copy = new CopyOutQuery('COPY (SELECT 1) TO STDOUT', (buf, start, end) =>
    rows.push(Buffer.from(buf.subarray(start, end))),
  );
  copy.submit({ stream, query: () => undefined });
  const bounds: number[] = [];
  if ('sizes' in cut) for (let i = 0, k = 0; i < raw.length; i += cut.sizes[k++ % cut.sizes.length]) bounds.push(i);
  else bounds.push(0, ...cut.at);
  bounds.push(raw.length);
  // A fresh buffer per chunk, as the socket gives: the query must not keep views into old ones.
  for (let k = 0; k + 1 < bounds.length; k++) stream.emit('data', Buffer.from(raw.subarray(bounds[k], bounds[k + 1])));
  const handedBack = Buffer.concat(back);
  return { rows, handedBack, pgSawCopyData: messages(handedBack).some((m) => m.type === 'd') };
}

function expectReplayMatches(copied: Copied, sizes: number[], endType: 'c' | 'E', everyCut = true): void {
  const list = messages(copied.raw);
  const end = list.find((m) => m.type === endType)!;
  expect(end, `the copy's bytes hold a '${endType}' message`).toBeDefined();
  const firstRow = list.find((m) => m.type === 'd')!;
  const lastRow = list.filter((m) => m.type === 'd').at(-1)!;
  const cuts: ({ sizes: number[] } | { at: number[] })[] = [{ sizes }];
  if (everyCut) {
    // Cut inside (and right after) the header of the first row, the last row and the message that ends the copy.
    for (const m of [firstRow, lastRow, end]) for (let k = 1; k <= 5; k++) cuts.push({ at: [m.at + k] });
    // A row's header spread over three chunks, then the end message's too.
    cuts.push({ at: [firstRow.at + 1, firstRow.at + 3, end.at + 2, end.at + 4] });
  }
  for (const cut of cuts) {
    const result = replay(copied.raw, cut);
    const what = JSON.stringify(cut).slice(0, 80);
    expect(result.rows.length, what).toBe(copied.rows.length);
    expect(
      result.rows.every((r, i) => r.equals(copied.rows[i])),
      what,
    ).toBe(true);
    expect(result.handedBack.equals(copied.raw.subarray(end.at)), what).toBe(true);
    expect(result.pgSawCopyData, what).toBe(false);
  }
}

/** One turn of the event loop: whatever the current I/O callback was parsing has been handled. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Resolves once `condition` holds, checked after each turn of the event loop, or once the copy
 * is over (its last rows may come in the chunk that ends it: nothing is left to hold back).
 */
async function until(condition: () => boolean, copy: CopyOutQuery): Promise<void> {
  let over = false;
  const end = () => (over = true);
  copy.done.then(end, end);
  while (!condition() && !over) await nextTurn();
}

/**
 * Whether a paused copy is holding rows back: its own short-read hold is over (so only the
 * pause keeps the socket paused) and the socket has buffered bytes it would otherwise have
 * delivered as rows.
 */
function heldBack(client: pg.Client, copy: CopyOutQuery): boolean {
  const socket = (client as unknown as { connection: { stream: NodeJS.ReadableStream & { readableLength: number } } })
    .connection.stream;
  return !copy['holding'] && socket.readableLength > 0;
}

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

describe('CopyOutQuery (real PostgreSQL)', () => {
  let client: pg.Client;

  beforeAll(async () => {
    client = new pg.Client({ connectionString: await createTestDatabase('wharf_copy') });
    await client.connect();
    await client.query(`
      CREATE FUNCTION noisy(i INT) RETURNS INT LANGUAGE plpgsql AS $$
      BEGIN
        IF i % 997 = 0 THEN RAISE NOTICE 'row % %', i, repeat('n', (i % 3) * 40000); END IF;
        RETURN i;
      END $$`);
  });
  afterAll(async () => {
    await client?.end();
  });

  it('delivers 200,000 generated rows complete, in order and byte-exact', async () => {
    const copied = await copyOut(client, `SELECT i, repeat('x', i % 50) FROM generate_series(1, 200000) i`);
    const expected: string[] = [];
    // CSV: an empty string is quoted, to tell it from NULL.
    for (let i = 1; i <= 200_000; i++) expected.push(`${i},${i % 50 === 0 ? '""' : 'x'.repeat(i % 50)}\n`);
    expect(copied.count).toBe(200_000);
    expect(copied.rows.length).toBe(200_000);
    const mismatch = copied.rows.findIndex((r, i) => r.toString('utf8') !== expected[i]);
    expect(
      mismatch,
      `first differing row: ${mismatch >= 0 ? JSON.stringify(copied.rows[mismatch].toString()) : ''}`,
    ).toBe(-1);
    expect(sha(Buffer.concat(copied.rows))).toBe(sha(expected.join('')));
    // The copy really crossed many network chunks (otherwise the carry logic was not tested).
    expect(copied.raw.length).toBeGreaterThan(5 * 1024 * 1024);
    // The same bytes cut at odd places, down to a header split over several chunks.
    expectReplayMatches(copied, [65_537, 3, 1, 2, 4, 5, 6, 7, 8191], 'c', false);
  });

  it('delivers rows far larger than a network chunk byte-exact (commas, quotes, newlines, multibyte text)', async () => {
    const piece = 'a,b"c\nd\u00e9 ';
    const copied = await copyOut(
      client,
      `SELECT i, repeat(${pgLiteral(piece)}, 30000) || i, 'tail' FROM generate_series(1, 5) i`,
    );
    expect(copied.count).toBe(5);
    expect(copied.rows.length).toBe(5);
    for (let i = 1; i <= 5; i++) {
      const value = piece.repeat(30_000) + i;
      const expected = Buffer.from(`${i},"${value.replace(/"/g, '""')}",tail\n`, 'utf8');
      expect(expected.length).toBeGreaterThan(300_000);
      expect(copied.rows[i - 1].equals(expected), `row ${i}`).toBe(true);
    }
    expectReplayMatches(copied, [1000, 1, 4, 70_001], 'c');
  });

  it('keeps every row when the server sends NOTICEs (some larger than a chunk) in the middle of the copy', async () => {
    const notices: unknown[] = [];
    client.on('notice', (n) => notices.push(n));
    const copied = await copyOut(client, `SELECT noisy(i), i * 2 FROM generate_series(1, 20000) i`);
    client.removeAllListeners('notice');
    expect(copied.count).toBe(20_000);
    const expected = Array.from({ length: 20_000 }, (_, k) => `${k + 1},${(k + 1) * 2}\n`).join('');
    expect(Buffer.concat(copied.rows).toString('utf8')).toBe(expected);
    const list = messages(copied.raw);
    const noticeMessages = list.filter((m) => m.type === 'N');
    // The notices really arrived between rows, and some were large.
    expect(noticeMessages.length).toBe(Math.floor(20_000 / 997));
    expect(noticeMessages.some((m) => m.size > 70_000)).toBe(true);
    const firstRow = list.findIndex((m) => m.type === 'd');
    const lastRow = list.length - 1 - [...list].reverse().findIndex((m) => m.type === 'd');
    expect(list.findIndex((m) => m.type === 'N')).toBeGreaterThan(firstRow);
    expect(list.findIndex((m) => m.type === 'N')).toBeLessThan(lastRow);
    expectReplayMatches(
      copied,
      [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597, 2584, 4181, 6765, 10_946, 17_711, 28_657],
      'c',
    );
    // The connection goes on as usual after it.
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it("rejects `done` with PostgreSQL's error when the query fails mid-copy, and the client stays usable", async () => {
    const rows: Buffer[] = [];
    const chunks: Buffer[] = [];
    const stream = (client as unknown as { connection: { stream: NodeJS.ReadableStream } }).connection.stream;
    const tap = (chunk: Buffer) => chunks.push(Buffer.from(chunk));
    stream.on('data', tap);
    const copy = new CopyOutQuery(
      `COPY (SELECT i, 1 / (i - 5000) FROM generate_series(1, 10000) i) TO STDOUT (FORMAT csv)`,
      (buf, start, end) => rows.push(Buffer.from(buf.subarray(start, end))),
    );
    client.query(copy);
    const err = await copy.done.then(
      () => null,
      (e: unknown) => e,
    );
    stream.removeListener('data', tap);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe('division by zero');
    expect((err as { code?: string }).code).toBe('22012');
    // Rows before the failing one arrived (the server flushes every 8 kB); never the failing one or any after it.
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(5000);
    expect(Buffer.concat(rows).toString()).toBe(
      Array.from({ length: rows.length }, (_, k) => `${k + 1},${k + 1 === 4999 ? -1 : 0}\n`).join(''),
    );
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    // Cut anywhere, the ErrorResponse (header split included) is handed back to pg whole.
    expectReplayMatches({ rows, count: rows.length, raw: Buffer.concat(chunks) }, [1, 2, 3, 4, 5, 6, 7], 'E');
  });

  it('rejects `done` with the row handler’s error, drops the rest of the rows, and the client stays usable', async () => {
    let calls = 0;
    const copy = new CopyOutQuery(`COPY (SELECT i FROM generate_series(1, 50000) i) TO STDOUT (FORMAT csv)`, () => {
      calls += 1;
      if (calls === 10) throw new Error('sink broke');
    });
    client.query(copy);
    await expect(copy.done).rejects.toThrow('sink broke');
    expect(calls).toBe(10);
    expect(copy.rows).toBe(50_000);
    expect((await client.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
  });

  it('pause() stops the row callbacks until resume(); then every row arrives', async () => {
    const total = 200_000;
    const rows: Buffer[] = [];
    let atPause = -1;
    let afterChunk = -1;
    let resumedAt = -1;
    const copy: CopyOutQuery = new CopyOutQuery(
      `COPY (SELECT i FROM generate_series(1, ${total}) i) TO STDOUT (FORMAT csv)`,
      (buf, start, end) => {
        rows.push(Buffer.from(buf.subarray(start, end)));
        if (rows.length !== 1) return;
        copy.pause();
        atPause = rows.length;
        void (async () => {
          // The rest of the network chunk being parsed still arrives; after that, nothing until resume.
          await nextTurn();
          afterChunk = rows.length;
          await until(() => heldBack(client, copy) || rows.length > afterChunk, copy);
          resumedAt = rows.length;
          copy.resume();
        })();
      },
    );
    client.query(copy);
    expect(await copy.done).toBe(total);
    expect(atPause).toBe(1);
    expect(afterChunk).toBeGreaterThan(0);
    expect(afterChunk).toBeLessThan(total / 4);
    expect(resumedAt).toBe(afterChunk);
    expect(rows.length).toBe(total);
    expect(Buffer.concat(rows).toString()).toBe(Array.from({ length: total }, (_, k) => `${k + 1}\n`).join(''));
  });

  it('stays paused through its own short-read holds, pause after pause, until each resume()', async () => {
    // Each pause lands at a different point of the reads (often during the wait that follows
    // a short read, whose timer must not resume a paused copy).
    const total = 60_000;
    const rows: number[] = [];
    const windows: { settled: number; later: number }[] = [];
    const copy: CopyOutQuery = new CopyOutQuery(
      `COPY (SELECT i FROM generate_series(1, ${total}) i) TO STDOUT (FORMAT csv)`,
      (buf, start, end) => {
        rows.push(Number(buf.toString('latin1', start, end - 1)));
        if (rows.length % 10_000 !== 0) return;
        copy.pause();
        void (async () => {
          await nextTurn();
          const settled = rows.length;
          await until(() => heldBack(client, copy) || rows.length > settled, copy);
          windows.push({ settled, later: rows.length });
          copy.resume();
        })();
      },
    );
    client.query(copy);
    expect(await copy.done).toBe(total);
    expect(windows.length).toBeGreaterThanOrEqual(5);
    for (const w of windows) expect(w.later).toBe(w.settled);
    expect(rows).toEqual(Array.from({ length: total }, (_, k) => k + 1));
  });
});

function pgLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
