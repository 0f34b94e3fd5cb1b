/**
 * The Snowflake bulk export's thread (export-thread.ts) through the real snowflake-sdk against
 * the protocol fake: its failures are the WharfErrors the connector gives for the same
 * failure in its own session, a failing sink stops it (statement cancelled, its session
 * closed), and rows arrive whole and in order while the sink pauses it.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnowflakeSource } from '../../config/types.js';
import { WharfError } from '../../diagnostics/errors.js';
import { testContext } from '../conformance/context.js';
import { filterFor } from '../conformance/fixtures.js';
import { querySpec } from '../conformance/queries.js';
import type { DayRowSink } from '../types.js';
import type { SnowflakeConnector } from './connector.js';
import { SESSION_SETUP } from './dialect.js';
import { snowflakeError } from './errors.js';
import type { ExportJob } from './export-protocol.js';
import { exportInThread, exportThreadLimits, exportThreadsStarted } from './export-thread.js';
import { openSnowflake } from './open.js';
import { connectionOptions } from './options.js';
import { FakeSnowflake, fakeSnowflakeSource } from './testing/fake-snowflake.js';
import { until } from '../../../test/support/until.js';

process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION = 'true';

const PASSWORD = 'export-thread-password';
const WRONG = 'export-thread-wrong-password';
const context = testContext({ SF_PASSWORD: PASSWORD, SF_WRONG: WRONG });
const DAY = '2024-03-10';
const ROWS = 30_000;
// Over the fake's inline rows and several chunks; text with the characters COPY escapes.
const TABLE = `SELECT DATE '${DAY}' AS day, i AS id, 'v' || i || chr(9) || '\\' AS v FROM range(${ROWS}) AS r(i)`;

let fake: FakeSnowflake;
let connector: SnowflakeConnector;

function source(accessUrl: string, password = 'SF_PASSWORD'): SnowflakeSource {
  return fakeSnowflakeSource('sf_export', accessUrl, { password: { env: password } });
}

/** A thread job for `sqlText`, as the connector builds it. */
function job(sqlText: string, password = 'SF_PASSWORD'): ExportJob {
  return {
    connection: connectionOptions(source(fake.url, password), context, { sdkRetries: 0 }),
    setup: SESSION_SETUP,
    sqlText,
    parameters: { STATEMENT_TIMEOUT_IN_SECONDS: 60 },
    fetchAsString: ['Number', 'JSON'],
    kinds: ['date', 'integer', 'string'],
    filters: [filterFor('day', 'date', DAY)],
    tokens: null,
    mapping: 'm',
  };
}

const query = querySpec('SELECT day, id, v FROM export_rows');
const site = { kind: 'snowflake', sourceName: 'sf_export', query };

/** What exportInThread rejects with, for a sink that takes rows and never pauses. */
async function threadFailure(sqlText: string, password?: string): Promise<WharfError> {
  const sink: DayRowSink = { row: () => undefined, attach: () => undefined };
  const err = await exportInThread({
    job: job(sqlText, password),
    sink,
    sdkError: (e) => snowflakeError(site, e),
  }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WharfError);
  return err as WharfError;
}

/** What the connector's own session rejects with for the same statement. */
async function sessionFailure(sql: string): Promise<WharfError> {
  const err = await connector.sample(querySpec(sql), 1).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WharfError);
  return err as WharfError;
}

const shape = (e: WharfError) => ({ code: e.code, errorClass: e.errorClass, transient: e.transient });

/** Instants around the epoch, at microsecond precision, as TIMESTAMP_NTZ and TIMESTAMP_TZ. */
const INSTANTS = [
  '1969-12-31 23:59:59.9995',
  '1969-12-31 23:59:59.999999',
  '1969-12-31 23:59:59.000001',
  '1960-06-15 00:00:00.000001',
  '1900-01-01 00:00:00.123456',
  '1970-01-01 00:00:00',
  '1970-01-01 00:00:00.000999',
  '2024-03-10 12:34:56.789999',
  '9999-12-31 23:59:59.999999',
];
const INSTANT_TABLE = INSTANTS.map(
  (t, i) =>
    `SELECT DATE '${DAY}' AS day, ${i} AS id, TIMESTAMP '${t}' AS ntz, CAST(TIMESTAMP '${t}' AS TIMESTAMPTZ) AS tz`,
).join(' UNION ALL ');

beforeAll(async () => {
  fake = await FakeSnowflake.start({ account: 'wharftest', users: { wharf_user: { password: PASSWORD } } });
  await fake.exclusive(() => fake.duckdb.run(`CREATE TABLE export_rows AS ${TABLE}`));
  await fake.exclusive(() => fake.duckdb.run(`CREATE TABLE instants AS ${INSTANT_TABLE}`));
  connector = await openSnowflake(source(fake.url), context, { sdkRetries: 0 });
});

afterAll(async () => {
  await connector?.close();
  await fake?.close();
});

describe('the Snowflake export thread', () => {
  it('fails a refused statement with the error the connector gives for it', async () => {
    const inThread = await threadFailure('SELECT day, id, v FROM no_such_table');
    const reference = await sessionFailure('SELECT day, id, v FROM no_such_table');
    expect(shape(inThread)).toEqual(shape(reference));
    expect(inThread.code).toMatch(/^snowflake\.sql\./);
    expect(inThread.message).toContain('no_such_table');
  });

  it('keeps a transient failure transient', async () => {
    fake.failTransiently();
    try {
      const inThread = await threadFailure('SELECT day, id, v FROM export_rows');
      const reference = await sessionFailure('SELECT day, id, v FROM export_rows');
      expect(shape(inThread)).toEqual(shape(reference));
      expect(inThread.transient).toBe(true);
    } finally {
      fake.clear();
    }
  });

  it('fails a refused login as an auth error that does not show the password', async () => {
    const err = await threadFailure('SELECT day, id, v FROM export_rows', 'SF_WRONG');
    expect(shape(err)).toEqual({ code: 'snowflake.auth', errorClass: 'auth', transient: false });
    expect(`${err.message} ${err.hint ?? ''}`).not.toContain(WRONG);
  });

  it('stops when the sink fails: the statement is cancelled and its session closed', async () => {
    const aborts = fake.abortRequests;
    const broken = new Error('the store failed');
    let rows = 0;
    const sink: DayRowSink = {
      attach: () => undefined,
      row() {
        if (++rows === 5_000) throw broken;
      },
    };
    const filters = [filterFor('day', 'date', DAY)];
    await expect(
      connector.columnar.copyDays(query, filters, { columns: ['day', 'id', 'v'], fingerprint: false }, sink),
    ).rejects.toBe(broken);
    expect(fake.abortRequests).toBeGreaterThan(aborts);
    // Only the connector's own session is left.
    expect(fake.openSessions).toBe(1);
  });

  it("writes each timestamp as the milliseconds of snowflake-sdk's own Date for it", async () => {
    const instants = querySpec('SELECT day, id, ntz, tz FROM instants');
    const exported = new Map<number, string[]>();
    const sink: DayRowSink = {
      attach: () => undefined,
      row(_day, buf, start, end) {
        const [, id, ntz, tz] = buf.toString('utf8', start, end).replace(/\n$/, '').split('\t');
        exported.set(Number(id), [ntz, tz]);
      },
    };
    const filters = [filterFor('day', 'date', DAY)];
    await connector.columnar.copyDays(
      instants,
      filters,
      { columns: ['day', 'id', 'ntz', 'tz'], fingerprint: false },
      sink,
    );
    // The reference: the Dates the SDK builds for the same rows in the connector's own session.
    const rows = await connector.sample(instants, 100);
    expect(rows).toHaveLength(INSTANTS.length);
    for (const row of rows) {
      const dates = [row.ntz as Date, row.tz as Date];
      expect(exported.get(Number(row.id)), INSTANTS[Number(row.id)]).toEqual(dates.map((d) => String(d.getTime())));
    }
  });

  it('hands every row over whole and in order, none while the sink is paused', async () => {
    const ids: number[] = [];
    let paused = false;
    let rowsWhilePaused = 0;
    let flow: { pause(): void; resume(): void } | undefined;
    const sink: DayRowSink = {
      attach: (control) => (flow = control),
      row(day, buf, start, end) {
        if (paused) rowsWhilePaused++;
        const [dayText, id, v] = buf.toString('utf8', start, end).replace(/\n$/, '').split('\t');
        expect([day, dayText, v]).toEqual([0, DAY, `v${id}\\t\\\\`]);
        ids.push(Number(id));
        // Pause at every 4,000th row; resume once the thread has had time to send more.
        if (ids.length % 4_000 === 0) {
          paused = true;
          flow!.pause();
          setImmediate(() => {
            paused = false;
            flow!.resume();
          });
        }
      },
    };
    const filters = [filterFor('day', 'date', DAY)];
    await connector.columnar.copyDays(query, filters, { columns: ['day', 'id', 'v'], fingerprint: false }, sink);
    expect(rowsWhilePaused).toBe(0);
    expect(ids).toEqual(Array.from({ length: ROWS }, (_, i) => i));
    expect(fake.openSessions).toBe(1);
  });
});

describe('two exports at once', () => {
  it('run one thread at a time: the second reaches the warehouse once the first has ended', async () => {
    const [even, odd] = ['0', '1'].map((r) => `SELECT day, id, v FROM export_rows WHERE id % 2 = ${r}`);
    let flow: { pause(): void; resume(): void } | undefined;
    const firstRows: number[] = [];
    const secondRows: number[] = [];
    const first: DayRowSink = {
      attach: (control) => (flow = control),
      row: (_day, buf, start) => {
        // Held from the first row on, as a store that has fallen behind holds its export.
        if (firstRows.length === 0) flow!.pause();
        firstRows.push(Number(buf.toString('utf8', start, start + 24).split('\t')[1]));
      },
    };
    const second: DayRowSink = {
      attach: () => undefined,
      row: (_day, buf, start) => void secondRows.push(Number(buf.toString('utf8', start, start + 24).split('\t')[1])),
    };
    const sdkError = (e: unknown) => snowflakeError(site, e);
    const exports = [
      exportInThread({ job: job(even), sink: first, sdkError }),
      exportInThread({ job: job(odd), sink: second, sdkError }),
    ];
    await until('the first export held', async () => firstRows.length > 0, { limitMs: 30_000 });
    // Long enough for a second thread to start and send its statement (about a second here).
    const secondSent = await until('the second statement', async () => fake.queries.includes(odd), {
      limitMs: 4_000,
    }).catch(() => false);
    expect(secondSent).toBe(false);
    expect(fake.queries).toContain(even);
    flow!.resume();
    await Promise.all(exports);
    expect(fake.queries.indexOf(odd)).toBeGreaterThan(fake.queries.indexOf(even));
    expect(firstRows).toEqual(Array.from({ length: ROWS / 2 }, (_, i) => 2 * i));
    expect(secondRows).toEqual(Array.from({ length: ROWS / 2 }, (_, i) => 2 * i + 1));
  });
});

describe('exports one after the other', () => {
  it('run in one thread, each in a session of its own that it closes; a failed export ends its thread', async () => {
    const sdkError = (e: unknown) => snowflakeError(site, e);
    const ids = async (sqlText: string) => {
      const rows: number[] = [];
      const sink: DayRowSink = {
        attach: () => undefined,
        row: (_day, buf, start) => void rows.push(Number(buf.toString('utf8', start, start + 24).split('\t')[1])),
      };
      await exportInThread({ job: job(sqlText), sink, sdkError });
      expect(fake.openSessions).toBe(1);
      return rows;
    };
    // What keeps this process running: an idle thread must not (a finished CLI command would wait for it).
    const ports = () => process.getActiveResourcesInfo().filter((r) => r === 'MessagePort').length;
    const portsBefore = ports();
    await ids('SELECT day, id, v FROM export_rows WHERE id < 10');
    const started = exportThreadsStarted();
    const all = Array.from({ length: ROWS }, (_, i) => i);
    expect(await ids('SELECT day, id, v FROM export_rows')).toEqual(all);
    expect(await ids('SELECT day, id, v FROM export_rows WHERE id % 3 = 0')).toEqual(all.filter((i) => i % 3 === 0));
    // A backfill's days: one thread through all of them, without its listeners piling up.
    const warnings: Error[] = [];
    const warned = (w: Error) => warnings.push(w);
    process.on('warning', warned);
    try {
      for (let day = 0; day < 12; day++)
        expect(await ids(`SELECT day, id, v FROM export_rows WHERE id = ${day}`)).toEqual([day]);
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', warned);
    }
    expect(warnings.map((w) => w.name)).toEqual([]);
    expect(exportThreadsStarted()).toBe(started);
    expect(ports()).toBe(portsBefore);
    await threadFailure('SELECT day, id, v FROM no_such_table');
    expect(await ids('SELECT day, id, v FROM export_rows WHERE id < 5')).toEqual([0, 1, 2, 3, 4]);
    expect(exportThreadsStarted()).toBe(started + 1);
  });
});

describe("the export thread's V8 limits", () => {
  it('give the thread an 8 MB young generation, as V8 reports it inside a thread', async () => {
    // The young generation is most of what the thread's heap holds beyond the SDK's objects
    // (docs/engine-measurements.md, "Snowflake events at 10,000,000 rows"); at 16 MB V8 reports 16 MiB.
    // The young generation grows to its cap as objects survive scavenges: keep some alive.
    const report = `const v8 = require('node:v8');
      const kept = [];
      for (let i = 0; i < 400000; i++) kept.push({ i, text: 'row ' + i });
      const space = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
      require('node:worker_threads').parentPort.postMessage([space.space_size, kept.length]);`;
    // In a process of its own: a V8 flag given to the process (the test workers run with
    // --max-semi-space-size) overrides the young generation a thread's resourceLimits ask for.
    const thread = `const { Worker } = require('node:worker_threads');
      const worker = new Worker(${JSON.stringify(report)}, { eval: true, resourceLimits: ${JSON.stringify(exportThreadLimits())} });
      worker.once('message', ([newSpace]) => { console.log(newSpace); process.exit(0); });
      worker.once('error', (err) => { console.error(err); process.exit(1); });`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', thread]);
    const newSpace = Number(stdout.trim());
    expect(newSpace).toBeLessThanOrEqual(8 * 1024 * 1024);
  });
});
