/**
 * An export thread whose result chunks do not fit its heap cap (export-thread.ts): the export
 * fails transiently with `snowflake.export-memory`, and each retry gets twice the cap until
 * the chunks fit and every row arrives. The cap is per process (module state), started here at
 * 32 MB by WHARF_SNOWFLAKE_EXPORT_HEAP_MB: the connector's modules are imported anew after the
 * variable is set, as a process started with it would (test files share a worker process).
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { WharfError } from '../../diagnostics/errors.js';
import { testContext } from '../conformance/context.js';
import { filterFor } from '../conformance/fixtures.js';
import { querySpec } from '../conformance/queries.js';
import type { DayRowSink } from '../types.js';
import type { SnowflakeConnector } from './connector.js';
import { EXPORT_HEAP_ENV } from './export-thread.js';
import { FakeSnowflake, fakeSnowflakeSource } from './testing/fake-snowflake.js';

process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION = 'true';

const PASSWORD = 'export-memory-password';
const DAY = '2024-03-10';
const ROWS = 12_000;
// Small chunks of JSON text (one string allocation each, well within the heap's leeway), but
// snowflake-sdk keeps a Date (with its closures and a moment) per timestamp of a chunk: tens of
// MB per chunk of 10,000 rows, over a 32 MB heap.
const TS = `TIMESTAMP '${DAY} 12:00:00' + i * INTERVAL 1 SECOND`;
const TABLE = `SELECT DATE '${DAY}' AS day, i AS id, ${TS} AS a, ${TS} AS b, ${TS} AS c FROM range(${ROWS}) AS r(i)`;

let fake: FakeSnowflake;
let connector: SnowflakeConnector;

let ExportError: typeof WharfError;

beforeAll(async () => {
  vi.stubEnv(EXPORT_HEAP_ENV, '32');
  vi.resetModules();
  const { openSnowflake } = await import('./open.js');
  ExportError = (await import('../../diagnostics/errors.js')).WharfError;
  fake = await FakeSnowflake.start({ account: 'wharftest', users: { wharf_user: { password: PASSWORD } } });
  await fake.exclusive(() => fake.duckdb.run(`CREATE TABLE wide_rows AS ${TABLE}`));
  const source = fakeSnowflakeSource('sf_memory', fake.url);
  connector = await openSnowflake(source, testContext({ SF_PASSWORD: PASSWORD }), { sdkRetries: 0 });
});

afterAll(async () => {
  await connector?.close();
  await fake?.close();
  vi.unstubAllEnvs();
  vi.resetModules();
});

it('fails transiently while the chunks do not fit, then retries with twice the heap until they do', async () => {
  const query = querySpec('SELECT day, id, a, b, c FROM wide_rows');
  const filters = [filterFor('day', 'date', DAY)];
  const caps: string[] = [];
  for (let attempt = 1; ; attempt++) {
    let rows = 0;
    const sink: DayRowSink = { attach: () => undefined, row: () => void rows++ };
    const err = await connector.columnar
      .copyDays(query, filters, { columns: ['day', 'id', 'a', 'b', 'c'], fingerprint: false }, sink)
      .then(() => null)
      .catch((e: unknown) => e);
    if (err === null) {
      expect(rows).toBe(ROWS);
      break;
    }
    expect(err).toBeInstanceOf(ExportError);
    const { code, transient, message } = err as WharfError;
    expect({ code, transient }).toEqual({ code: 'snowflake.export-memory', transient: true });
    caps.push(/its (\d+) MB/.exec(message)![1]);
    expect(attempt).toBeLessThan(8);
  }
  // 32 MB cannot hold a chunk; each failure doubled the cap of the next attempt.
  expect(caps[0]).toBe('32');
  expect(caps.map(Number)).toEqual(caps.map((_, i) => 32 * 2 ** i));
});
