/**
 * A plain query's rows read off the socket (QUERY_ROWS, for a backend without `COPY … TO
 * STDOUT`: Redshift) and written as COPY text lines by dataRowsAsCopyText, against the real
 * test PostgreSQL. The reference is PostgreSQL's own `COPY (same query) TO STDOUT`: every
 * line must be the same bytes, for values that need each of COPY's escapes, every other
 * control character, NULL beside the empty string, multibyte text, every type the bulk paths
 * read, and values far larger than a network chunk. The plain query's bytes are also replayed
 * cut into tiny chunks, and a query failing mid-rows must fail the read with the server's error.
 */
import { EventEmitter } from 'node:events';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/postgres.js';
import { CopyOutQuery, dataRowsAsCopyText, QUERY_ROWS } from './copy-out.js';

/** Values of every kind the bulk paths read, each row's text needing different escapes. */
const TRICKY = `SELECT i,
    CASE WHEN i % 7 = 0 THEN NULL WHEN i % 7 = 1 THEN '' ELSE 'a' || chr(1 + i % 127) || 'b\\c' || E'\\t\\n\\r\\b\\f\\v' || 'é😀' END AS text_value,
    i * 0.1::float8 AS float_value, CAST(i AS numeric) / 7 AS numeric_value,
    timestamptz '2024-03-01 08:00:00+00' + i * interval '1.5 seconds' AS ts, date '2024-03-01' + i % 3 AS day,
    i % 2 = 0 AS flag, CAST('{"k":"v\\\\' || i || '","t":"\\t"}' AS json) AS doc,
    CAST(md5(CAST(i AS text)) AS uuid) AS id, ARRAY[i, NULL] AS list, decode('5c00' || lpad(to_hex(i % 256), 2, '0'), 'hex') AS raw,
    CASE i % 5 WHEN 0 THEN CAST('NaN' AS float8) WHEN 1 THEN CAST('-Infinity' AS float8) WHEN 2 THEN -0.0::float8 ELSE 1e300 END AS odd_float
  FROM generate_series(1, 20000) AS s(i)`;

interface Read {
  lines: Buffer[];
  /** Every byte pg's socket received while the query ran. */
  raw: Buffer;
}

/** Runs `sql` on `client` through CopyOutQuery, as a COPY or as a plain query, keeping each line and the raw bytes. */
async function read(client: pg.Client, sql: string, plain: boolean): Promise<Read> {
  const lines: Buffer[] = [];
  const chunks: Buffer[] = [];
  const stream = (client as unknown as { connection: { stream: NodeJS.ReadableStream } }).connection.stream;
  const tap = (chunk: Buffer) => chunks.push(Buffer.from(chunk));
  stream.on('data', tap);
  const keep = (buf: Buffer, start: number, end: number) => lines.push(Buffer.from(buf.subarray(start, end)));
  const query = plain
    ? new CopyOutQuery(sql, dataRowsAsCopyText(keep), QUERY_ROWS)
    : new CopyOutQuery(`COPY (${sql}) TO STDOUT`, keep);
  try {
    client.query(query);
    expect(await query.done).toBe(lines.length);
    return { lines, raw: Buffer.concat(chunks) };
  } finally {
    stream.removeListener('data', tap);
  }
}

/** Feeds `raw` to a new plain-query reader in chunks of the given sizes (cycled); the lines it wrote. */
function replay(raw: Buffer, sizes: number[]): Buffer[] {
  const lines: Buffer[] = [];
  const stream = new EventEmitter() as EventEmitter & { pause(): void; resume(): void };
  stream.pause = () => undefined;
  stream.resume = () => undefined;
  stream.on('data', () => undefined);
  const query = new CopyOutQuery(
    'SELECT 1',
    dataRowsAsCopyText((buf, start, end) => lines.push(Buffer.from(buf.subarray(start, end)))),
    QUERY_ROWS,
  );
  query.submit({ stream, query: () => undefined });
  for (let i = 0, k = 0; i < raw.length; i += sizes[k++ % sizes.length])
    stream.emit('data', Buffer.from(raw.subarray(i, i + sizes[k % sizes.length])));
  return lines;
}

function expectSameLines(actual: Buffer[], expected: Buffer[]): void {
  expect(actual.length).toBe(expected.length);
  const first = actual.findIndex((line, i) => !line.equals(expected[i]));
  const show = (b: Buffer | undefined) => JSON.stringify(b?.toString('utf8'));
  expect(first, `line ${first}: ${show(actual[first])} against COPY's ${show(expected[first])}`).toBe(-1);
}

describe("a plain query's rows as COPY text (real PostgreSQL)", () => {
  let client: pg.Client;

  beforeAll(async () => {
    client = new pg.Client({ connectionString: await createTestDatabase('wharf_query_rows') });
    await client.connect();
    await client.query("SET TIME ZONE 'UTC'; SET DateStyle TO ISO");
  });
  afterAll(async () => {
    await client?.end();
  });

  it("writes each row as the bytes of COPY's line for it, whatever the value needs escaped", async () => {
    const copied = await read(client, TRICKY, false);
    const queried = await read(client, TRICKY, true);
    expect(copied.lines.length).toBe(20_000);
    // The escapes were needed: backslashes, tabs, newlines and \b \f \v all occur in COPY's lines.
    const text = Buffer.concat(copied.lines).toString('utf8');
    for (const escape of ['\\\\', '\\t', '\\n', '\\r', '\\b', '\\f', '\\v', '\\N']) expect(text).toContain(escape);
    expectSameLines(queried.lines, copied.lines);
    // Cut at odd places, down to a message header over several chunks, the lines are the same.
    expectSameLines(replay(queried.raw, [1, 2, 3, 5, 7, 4093, 65_537]), copied.lines);
  });

  it('writes values far larger than a network chunk byte-exact', async () => {
    const sql = `SELECT i, repeat('a\\b' || E'\\t' || 'é', 100000) || i AS big, NULL AS nothing FROM generate_series(1, 4) AS s(i)`;
    const copied = await read(client, sql, false);
    const queried = await read(client, sql, true);
    expect(copied.lines[0].length).toBeGreaterThan(500_000);
    expectSameLines(queried.lines, copied.lines);
    expectSameLines(replay(queried.raw, [1000, 1, 4, 70_001]), copied.lines);
  });

  it("fails with PostgreSQL's error when the query fails mid-rows, and the client stays usable", async () => {
    const lines: Buffer[] = [];
    const query = new CopyOutQuery(
      'SELECT i, 1 / (i - 50000) AS q FROM generate_series(1, 100000) AS s(i)',
      dataRowsAsCopyText((buf, start, end) => lines.push(Buffer.from(buf.subarray(start, end)))),
      QUERY_ROWS,
    );
    client.query(query);
    const err = await query.done.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect((err as { code?: string }).code).toBe('22012');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThan(50_000);
    expect(Buffer.concat(lines).toString()).toBe(
      Array.from({ length: lines.length }, (_, k) => `${k + 1}\t${k + 1 === 49_999 ? -1 : 0}\n`).join(''),
    );
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});
