/**
 * DayChunkFiles on its own (no database): rows routed to their day's files, files cut at
 * exactly `rowsPerFile` rows (`firstFileRows` for a day's first; earlier, from `minFileRows`
 * on, when the store wants one), contents byte-exact whatever the row length or where the
 * row sits in its buffer, the export's flow paused and resumed around `maxPendingBytes`,
 * `discard()`, and `omitDay` (the day field left out of the files, not out of an oversize row's).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DayChunkFiles, OVERSIZE_ROW_BYTES, type DayChunk } from './day-chunks.js';
import { mulberry32 as random } from '../../test/support/random.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'wharf-day-chunks-'));

/** A row of `length` bytes (newline included) whose bytes tell rows and positions apart. */
function rowBytes(id: number, length: number): Buffer {
  const head = Buffer.from(`${id},`);
  const row = Buffer.alloc(length);
  head.copy(row, 0, 0, Math.min(head.length, length - 1));
  for (let i = head.length; i < length - 1; i++) row[i] = 0x21 + ((id * 31 + i * 7) % 94);
  row[length - 1] = 0x0a;
  return row;
}

interface Recorder {
  chunks: (DayChunk & { content: Buffer })[];
  flow: { pause(): void; resume(): void };
  calls: string[];
}

function recorder(): Recorder {
  const calls: string[] = [];
  return { chunks: [], calls, flow: { pause: () => calls.push('pause'), resume: () => calls.push('resume') } };
}

function sinkFor(
  rec: Recorder,
  dir: string,
  days: number,
  rowsPerFile: number,
  maxPendingBytes?: number,
  cuts: { firstFileRows?: number; minFileRows?: number; omitDay?: boolean } = {},
): DayChunkFiles {
  const onChunk = (chunk: DayChunk) => rec.chunks.push({ ...chunk, content: readFileSync(chunk.file) });
  const sink = new DayChunkFiles({ dir, dayCount: days, rowsPerFile, onChunk, maxPendingBytes, ...cuts });
  sink.attach(rec.flow);
  return sink;
}

/** Feeds the sink rows of 100 bytes, each numbered anew, to the given day. */
function hundredByteRows(sink: DayChunkFiles): (day: number) => void {
  let id = 0;
  return (day) => {
    const bytes = rowBytes(id++, 100);
    sink.row(day, bytes, 0, bytes.length);
  };
}

/**
 * Hands `rows` to the sink the way the export does: packed one after the other in "network
 * chunks" (buffers of a larger allocation, at an odd offset), each passed as (buf, start, end).
 */
function feed(sink: DayChunkFiles, rows: { day: number; bytes: Buffer }[], chunkBytes: number, offset = 3): void {
  for (let i = 0; i < rows.length;) {
    const group: { day: number; bytes: Buffer }[] = [];
    let size = 0;
    do {
      group.push(rows[i]);
      size += rows[i].bytes.length;
      i++;
    } while (i < rows.length && size + rows[i].bytes.length <= chunkBytes);
    const backing = Buffer.alloc(size + offset + 5, 0xff);
    const chunk = backing.subarray(offset, offset + size + 2);
    let at = 0;
    for (const r of group) {
      r.bytes.copy(chunk, at);
      sink.row(r.day, chunk, at, at + r.bytes.length);
      at += r.bytes.length;
    }
  }
}

/** A row fed to the sink; `oversize` marks one over OVERSIZE_ROW_BYTES, which gets a file of its own. */
interface FedRow {
  day: number;
  bytes: Buffer;
  oversize?: boolean;
}

/**
 * The files each day should get, in order: its rows, cut after `firstFileRows`, then every
 * `rowsPerFile` rows; an oversize row cuts the day's open file and comes after it, alone.
 */
function expectedFiles(
  rows: FedRow[],
  days: number,
  rowsPerFile: number,
  firstFileRows = rowsPerFile,
): { day: number; rows: number; content: Buffer; oversize: boolean }[][] {
  return Array.from({ length: days }, (_, day) => {
    const files = [];
    let open: Buffer[] = [];
    let size = firstFileRows;
    const cut = () => {
      if (open.length === 0) return;
      files.push({ day, rows: open.length, content: Buffer.concat(open), oversize: false });
      open = [];
      size = rowsPerFile;
    };
    for (const row of rows.filter((r) => r.day === day)) {
      if (row.oversize) {
        cut();
        files.push({ day, rows: 1, content: row.bytes, oversize: true });
        continue;
      }
      open.push(row.bytes);
      if (open.length === size) cut();
    }
    cut();
    return files;
  });
}

function expectChunks(rec: Recorder, rows: FedRow[], days: number, rowsPerFile: number, firstFileRows?: number): void {
  const expected = expectedFiles(rows, days, rowsPerFile, firstFileRows);
  for (let day = 0; day < days; day++) {
    const got = rec.chunks.filter((c) => c.day === day);
    expect(
      got.map((c) => [c.rows, c.oversize ?? false]),
      `day ${day} rows per file`,
    ).toEqual(expected[day].map((f) => [f.rows, f.oversize]));
    got.forEach((c, i) => {
      expect(c.bytes, `day ${day} file ${i} bytes`).toBe(expected[day][i].content.length);
      expect(c.content.equals(expected[day][i].content), `day ${day} file ${i} content`).toBe(true);
    });
  }
  expect(new Set(rec.chunks.map((c) => c.file)).size).toBe(rec.chunks.length);
}

describe('DayChunkFiles', () => {
  it('routes rows to their day and cuts files at exactly rowsPerFile rows, byte-exact; finish() hands on the last partial files', () => {
    const next = random(7);
    const days = 4;
    const rowsPerFile = 5;
    // Lengths around the short-row copy (4 bytes at a time below 128) and the Buffer#copy path.
    const lengths = [1, 2, 3, 4, 5, 6, 7, 8, 9, 63, 126, 127, 128, 129, 130, 131, 1000, 4097];
    const rows = Array.from({ length: 400 }, (_, id) => ({
      day: next() < 0.1 ? 3 : Math.floor(next() * 3),
      bytes: rowBytes(id, lengths[Math.floor(next() * lengths.length)]),
    }));
    // Day 3 gets exactly two full files: no empty third file at finish().
    const day3 = rows.filter((r) => r.day === 3);
    for (const r of day3.slice(10)) r.day = 0;
    expect(rows.filter((r) => r.day === 3).length).toBe(10);
    const rec = recorder();
    const sink = sinkFor(rec, tempDir(), days + 1, rowsPerFile);
    feed(sink, rows, 8192);
    const beforeFinish = rec.chunks.length;
    // Every file handed on before finish() is a full one.
    expect(rec.chunks.every((c) => c.rows === rowsPerFile)).toBe(true);
    sink.finish();
    expect(rec.chunks.length).toBeGreaterThan(beforeFinish);
    expectChunks(rec, rows, days, rowsPerFile);
    // The fifth day got no row: no file, a zero count.
    expect(rec.chunks.some((c) => c.day === 4)).toBe(false);
    expect(sink.rowsPerDay).toEqual([0, 1, 2, 3, 4].map((d) => rows.filter((r) => r.day === d).length));
    expect(rec.calls).toEqual([]);
  });

  it("cuts each day's first file at firstFileRows, the rest at rowsPerFile", () => {
    const next = random(11);
    const rows = Array.from({ length: 300 }, (_, id) => ({
      day: Math.floor(next() * 3),
      bytes: rowBytes(id, 20 + Math.floor(next() * 40)),
    }));
    const rec = recorder();
    const sink = sinkFor(rec, tempDir(), 3, 7, undefined, { firstFileRows: 2 });
    feed(sink, rows, 4096);
    sink.finish();
    for (let day = 0; day < 3; day++) {
      const sizes = rec.chunks.filter((c) => c.day === day).map((c) => c.rows);
      expect(sizes[0], `day ${day}`).toBe(2);
      expect(
        sizes.slice(1, -1).every((n) => n === 7),
        `day ${day}: ${sizes}`,
      ).toBe(true);
    }
    expectChunks(rec, rows, 3, 7, 2);
  });

  it('hands on a file early, from minFileRows rows on, when the store wants one: the fullest day it may take', () => {
    const rec = recorder();
    const sink = sinkFor(rec, tempDir(), 3, 7, undefined, { minFileRows: 2 });
    const send = hundredByteRows(sink);
    const sizes = () => rec.chunks.map((c) => [c.day, c.rows]);
    // No day holds 2 rows yet: the first day to reach 2 goes, the others keep filling.
    sink.want(() => true);
    for (const day of [0, 1, 1, 0, 1, 0]) send(day);
    expect(sizes()).toEqual([[1, 2]]);
    // Day 0 holds 3 rows, day 1 one, day 2 none: day 0 goes at once.
    sink.want(() => true);
    expect(sizes()).toEqual([
      [1, 2],
      [0, 3],
    ]);
    // A day the store cannot take (its load is busy) is passed over, even when fullest.
    for (const day of [0, 0, 0, 2, 2]) send(day);
    sink.want((day) => day !== 0);
    expect(sizes().at(-1)).toEqual([2, 2]);
    // Nothing eligible reaches 2 rows: nothing goes; day 0 goes on to its full file.
    sink.want((day) => day === 1);
    for (const day of [0, 0, 0, 0]) send(day);
    expect(sizes().at(-1)).toEqual([0, 7]);
    send(1);
    expect(sizes().at(-1)).toEqual([1, 2]);
    // One file per want: once one went, the rest cut at rowsPerFile again.
    for (let i = 0; i < 3; i++) send(2);
    expect(sizes().at(-1)).toEqual([1, 2]);
    sink.finish();
    expect(sizes().slice(-1)).toEqual([[2, 3]]);
    expect(sink.rowsPerDay).toEqual([10, 4, 5]);
    expect(rec.chunks.every((c) => c.rows <= 7)).toBe(true);
  });

  it('keeps rows that come one per buffer, each in a new buffer, byte-exact (as rows carried over network chunks arrive)', () => {
    const rec = recorder();
    const sink = sinkFor(rec, tempDir(), 2, 3);
    const rows = Array.from({ length: 20 }, (_, id) => ({ day: id % 2, bytes: rowBytes(id, 5 + ((id * 13) % 140)) }));
    for (const r of rows) {
      const buf = Buffer.concat([Buffer.from([0x48, 0, 0, 0, 9]), r.bytes]);
      sink.row(r.day, buf, 5, buf.length);
      // The bytes are only valid during the call: the sink must have copied them.
      buf.fill(0x3f);
    }
    sink.finish();
    expectChunks(rec, rows, 2, 3);
  });

  it('keeps rows longer than its write buffer, in order with the short rows around them', () => {
    const next = random(11);
    const kb = 1024;
    const long = [128 * kb - 1, 128 * kb, 128 * kb + 1, 300 * kb, 1024 * kb];
    const rows: { day: number; bytes: Buffer }[] = [];
    let id = 0;
    for (const length of long) {
      for (let k = 0; k < 30; k++)
        rows.push({ day: Math.floor(next() * 2), bytes: rowBytes(id++, 1 + Math.floor(next() * 300)) });
      rows.push({ day: 0, bytes: rowBytes(id++, length) });
      rows.push({ day: 1, bytes: rowBytes(id++, length) });
      rows.push({ day: 0, bytes: rowBytes(id++, 17) });
    }
    const rec = recorder();
    const sink = sinkFor(rec, tempDir(), 2, 7);
    feed(sink, rows, 64 * kb);
    sink.finish();
    expectChunks(rec, rows, 2, 7);
    expect(rec.chunks.reduce((n, c) => n + c.bytes, 0)).toBe(rows.reduce((n, r) => n + r.bytes.length, 0));
  });

  it("omitDay leaves each row's day field out of its day's files, byte-exact, but not out of an oversize row's file", () => {
    const next = random(5);
    const dayText = ['2026-10-01', '2026-10-02', '2026-10-03'];
    const lengths = [12, 13, 14, 15, 60, 127, 128, 139, 140, 141, 5000, 200 * 1024];
    const rows = Array.from({ length: 300 }, (_, id) => {
      const day = Math.floor(next() * 3);
      const rest = rowBytes(id, lengths[Math.floor(next() * lengths.length)]);
      return { day, bytes: Buffer.concat([Buffer.from(`${dayText[day]}\t`), rest]), rest };
    });
    const huge = Buffer.concat([Buffer.from(`${dayText[1]}\t`), rowBytes(9999, OVERSIZE_ROW_BYTES + 1)]);
    rows.splice(150, 0, { day: 1, bytes: huge, rest: huge });
    const rec = recorder();
    const sink = sinkFor(rec, tempDir(), 3, 7, undefined, { omitDay: true });
    feed(sink, rows, 64 * 1024);
    sink.finish();
    expect(rec.chunks.filter((c) => c.oversize).map((c) => [c.day, c.rows, c.content.equals(huge)])).toEqual([
      [1, 1, true],
    ]);
    // The oversize row keeps its day field, and comes after the file of its day's rows before it.
    const files = rows.map((r) => ({ day: r.day, bytes: r.rest, oversize: r.bytes === huge }));
    expectChunks(rec, files, 3, 7);
    expect(sink.rowsPerDay).toEqual([0, 1, 2].map((d) => rows.filter((r) => r.day === d).length));
  });

  it("hands an oversize row on after its day's rows before it: the day's open file is cut first", () => {
    const rows: FedRow[] = [0, 1, 0, 0, 1].map((day, id) => ({ day, bytes: rowBytes(id, 100) }));
    rows.push({ day: 0, bytes: rowBytes(5, OVERSIZE_ROW_BYTES + 1), oversize: true });
    rows.push(...[0, 1, 0].map((day, i) => ({ day, bytes: rowBytes(6 + i, 100) })));
    const rec = recorder();
    const sink = sinkFor(rec, tempDir(), 2, 7);
    feed(sink, rows, 64 * 1024);
    // Handed on in the order the store loads them: day 0's three rows, then the long row.
    expect(rec.chunks.map((c) => [c.day, c.rows, c.oversize ?? false])).toEqual([
      [0, 3, false],
      [0, 1, true],
    ]);
    sink.finish();
    expectChunks(rec, rows, 2, 7);
  });

  it("omitDay fails on a row whose first field is not a plain date, naming the row's start", () => {
    const sink = sinkFor(recorder(), tempDir(), 1, 7, undefined, { omitDay: true });
    const ok = Buffer.from('2026-10-01\tu1\tuser_id\n');
    sink.row(0, ok, 0, ok.length);
    const bad = Buffer.from('2026-10-01 BC\tu1\tuser_id\n');
    expect(() => sink.row(0, bad, 0, bad.length)).toThrow('not a plain YYYY-MM-DD date: "2026-10-01 BC"');
  });

  it('pauses the flow once pending bytes pass maxPendingBytes and resumes it when consumed() brings them to half', () => {
    const rec = recorder();
    const dir = tempDir();
    // Files of 2 rows of 100 bytes: 200 bytes each.
    const sink = sinkFor(rec, dir, 2, 2, 1000);
    const row = hundredByteRows(sink);
    for (let i = 0; i < 10; i++) row(Math.floor(i / 2) % 2);
    // 5 files, 1000 bytes pending: not over the limit yet.
    expect(rec.chunks.length).toBe(5);
    expect(rec.calls).toEqual([]);
    row(0);
    row(0);
    expect(rec.chunks.length).toBe(6);
    expect(rec.calls).toEqual(['pause']);
    // Rows still arriving while paused (the rest of a network chunk) are kept; no second pause.
    for (let i = 0; i < 4; i++) row(1);
    expect(rec.chunks.length).toBe(8);
    expect(rec.calls).toEqual(['pause']);
    expect(readdirSync(dir).length).toBe(8);
    // 1600 pending: resumes once at 500 or less, i.e. after the sixth file is consumed.
    for (const [i, chunk] of rec.chunks.slice(0, 5).entries()) {
      sink.consumed(chunk);
      expect(existsSync(chunk.file)).toBe(false);
      expect(rec.calls, `after ${i + 1} consumed`).toEqual(['pause']);
    }
    sink.consumed(rec.chunks[5]);
    expect(rec.calls).toEqual(['pause', 'resume']);
    sink.consumed(rec.chunks[6]);
    sink.consumed(rec.chunks[7]);
    expect(rec.calls).toEqual(['pause', 'resume']);
    expect(readdirSync(dir)).toEqual([]);
    // A second backlog pauses it again.
    for (let i = 0; i < 12; i++) row(0);
    expect(rec.calls).toEqual(['pause', 'resume', 'pause']);
  });

  it('discard() stops writing, hands on nothing more and resumes a paused flow', () => {
    const rec = recorder();
    const dir = tempDir();
    const sink = sinkFor(rec, dir, 2, 2, 300);
    const row = hundredByteRows(sink);
    for (let i = 0; i < 4; i++) row(0);
    row(1);
    expect(rec.calls).toEqual(['pause']);
    expect(rec.chunks.length).toBe(2);
    sink.discard();
    expect(rec.calls).toEqual(['pause', 'resume']);
    for (let i = 0; i < 6; i++) row(i % 2);
    sink.finish();
    expect(rec.chunks.length).toBe(2);
    // Rows after the discard are still counted.
    expect(sink.rowsPerDay).toEqual([7, 4]);
    // Day 1's open file got no more bytes after the discard.
    const open = readdirSync(dir).filter((f) => !rec.chunks.some((c) => c.file.endsWith(f)));
    for (const f of open) expect(readFileSync(join(dir, f)).length).toBeLessThanOrEqual(100);
    // Consuming the files handed on before does not resume the flow a second time.
    for (const c of rec.chunks) sink.consumed(c);
    expect(rec.calls).toEqual(['pause', 'resume']);
  });

  it('discard() of a flowing export does not touch the flow', () => {
    const rec = recorder();
    const sink = sinkFor(rec, tempDir(), 1, 2);
    const bytes = rowBytes(1, 50);
    sink.row(0, bytes, 0, bytes.length);
    sink.discard();
    sink.row(0, bytes, 0, bytes.length);
    sink.row(0, bytes, 0, bytes.length);
    sink.finish();
    expect(rec.calls).toEqual([]);
    expect(rec.chunks).toEqual([]);
    expect(sink.rowsPerDay).toEqual([3]);
  });
});
