import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parquetFromSql, sqlLiteral } from '../../../test/support/parquet.js';
import { S3_TEST_CREDENTIALS, startS3Server, type S3TestServer } from '../../../test/support/s3-server.js';
import type { S3Source } from '../../config/types.js';
import { WharfError } from '../../diagnostics/errors.js';
import { addDays, dayBounds, zoneOrThrow } from '../../util/time.js';
import { connectorFor } from '../registry.js';
import type { Connector, DayFilter, QuerySpec, Row } from '../types.js';

const PST = zoneOrThrow('PST');
const WEEK = Array.from({ length: 7 }, (_, i) => addDays('2022-06-20', i));
const BUCKET = 'warehouse';
const PREFIX = 'statsig/export';

const metricsQuery: QuerySpec = {
  mapping: 'daily_revenue',
  sqlFile: 'mappings/daily_revenue.sql',
  sql: 'SELECT unit_id, id_type, date, metric_name, metric_value, numerator, denominator FROM source;\n',
  dataset: 'metrics',
};
const eventsQuery: QuerySpec = {
  mapping: 'purchases',
  sqlFile: 'mappings/purchases.sql',
  sql: 'SELECT "timestamp", event_name, event_value, "user", timeuuid, big FROM source -- all columns\n',
  dataset: 'events',
};

/** The rows the files of one day hold for that day (stray rows of other days come on top). */
function metricRows(day: string, dayIndex: number): Row[] {
  return Array.from({ length: 3 + dayIndex }, (_, i) => ({
    unit_id: `u${dayIndex}_${i}`,
    id_type: 'user_id',
    date: day,
    metric_name: i % 2 ? 'revenue' : 'sessions',
    metric_value: i === 2 ? null : i * 1.5 + dayIndex,
    numerator: null,
    denominator: null,
  }));
}

function eventRows(day: string, dayIndex: number): Row[] {
  const { fromUtc } = dayBounds(day, PST);
  const count = 4 + dayIndex;
  return Array.from({ length: count }, (_, i) => ({
    timestamp: new Date(fromUtc.getTime() + i * Math.floor(86_400_000 / count) + 1234),
    event_name: 'purchase',
    event_value: i % 3 === 0 ? null : `v${i}`,
    user: JSON.stringify({ userID: `user_${i}`, customIDs: { stableID: `s${dayIndex}` } }),
    timeuuid: `${day}-${i}`,
    big: 9007199254740993n + BigInt(i),
  }));
}

function metricsSql(rows: Row[]): string {
  const values = rows.map(
    (r) =>
      `(${[r.unit_id, r.id_type, r.date, r.metric_name, r.metric_value].map((v) => sqlLiteral(v as string)).join(', ')})`,
  );
  return `SELECT col0 AS unit_id, col1 AS id_type, CAST(col2 AS DATE) AS date, col3 AS metric_name, CAST(col4 AS DOUBLE) AS metric_value,
    CAST(NULL AS DOUBLE) AS numerator, CAST(NULL AS DOUBLE) AS denominator FROM (VALUES ${values.join(', ')})`;
}

function eventsSql(rows: Row[]): string {
  const values = rows.map(
    (r) =>
      `(${[(r.timestamp as Date).toISOString(), r.event_name, r.event_value, r.user, r.timeuuid, String(r.big)].map((v) => sqlLiteral(v as string | null)).join(', ')})`,
  );
  return `SELECT CAST(replace(col0, 'Z', '') AS TIMESTAMP) AS "timestamp", col1 AS event_name, CAST(col2 AS VARCHAR) AS event_value, col3 AS "user", col4 AS timeuuid, CAST(col5 AS BIGINT) AS big
    FROM (VALUES ${values.join(', ')})`;
}

const byKey = (key: string) => (a: Row, b: Row) => String(a[key]).localeCompare(String(b[key]));

let server: S3TestServer;
let connector: Connector;
let tempRoot: string;
const previousTmp = process.env.TMPDIR;

function source(overrides: Partial<S3Source> = {}): S3Source {
  return {
    name: 'lake',
    kind: 's3',
    region: 'us-east-1',
    bucket: BUCKET,
    prefix: PREFIX,
    endpoint: server.endpoint,
    forcePathStyle: true,
    accessKeyId: { env: 'TEST_S3_KEY' },
    secretAccessKey: { env: 'TEST_S3_SECRET' },
    ...overrides,
  };
}

const context = {
  projectRoot: process.cwd(),
  resolveSecret(ref: { env: string }) {
    const value = process.env[ref.env];
    if (value === undefined) throw new Error(`missing ${ref.env}`);
    return value;
  },
};

async function open(overrides: Partial<S3Source> = {}): Promise<Connector> {
  return (await connectorFor('s3')).create(source(overrides) as never, context);
}

function filterFor(column: string, columnType: DayFilter['columnType'], day: string): DayFilter {
  return { column, columnType, day, ...dayBounds(day, PST) };
}

async function readDay(query: QuerySpec, filter: DayFilter, batchSize = 1000): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const batch of connector.streamDay(query, filter, { batchSize })) {
    expect(batch.length).toBeLessThanOrEqual(batchSize);
    rows.push(...batch);
  }
  return rows;
}

function wharfTempFolders(): string[] {
  return readdirSync(tempRoot).filter((name) => name.startsWith('wharf-s3-'));
}

beforeAll(async () => {
  tempRoot = mkdtempSync(join(tmpdir(), 'wharf-s3-test-'));
  server = await startS3Server();
  process.env.TMPDIR = tempRoot;
  process.env.TEST_S3_KEY = S3_TEST_CREDENTIALS.accessKeyId;
  process.env.TEST_S3_SECRET = S3_TEST_CREDENTIALS.secretAccessKey;
  await server.createBucket(BUCKET);
  for (const [i, day] of WEEK.entries()) {
    const metrics = metricRows(day, i);
    const events = eventRows(day, i);
    // Two files per day, split by row parity, plus a marker file that is not parquet.
    await server.put(
      BUCKET,
      `${PREFIX}/metrics/${day}/part-0.parquet`,
      await parquetFromSql(metricsSql(metrics.filter((_, k) => k % 2 === 0))),
    );
    await server.put(
      BUCKET,
      `${PREFIX}/metrics/${day}/part-1.parquet`,
      await parquetFromSql(metricsSql(metrics.filter((_, k) => k % 2 === 1))),
    );
    await server.put(BUCKET, `${PREFIX}/metrics/${day}/_SUCCESS`, '');
    await server.put(BUCKET, `${PREFIX}/events/${day}/events.parquet`, await parquetFromSql(eventsSql(events)));
  }
  // Stray rows: a metric of the previous day and an event of the next PST day inside a folder.
  const stray = { ...metricRows(WEEK[2], 2)[0], unit_id: 'stray' };
  await server.put(BUCKET, `${PREFIX}/metrics/${WEEK[3]}/late.parquet`, await parquetFromSql(metricsSql([stray])));
  const next = { ...eventRows(WEEK[4], 4)[0], timestamp: dayBounds(WEEK[5], PST).fromUtc, timeuuid: 'stray' };
  await server.put(BUCKET, `${PREFIX}/events/${WEEK[4]}/late.parquet`, await parquetFromSql(eventsSql([next])));
  // Signals: finished dates with a gap (the skip-date rule) in two files.
  await server.put(
    BUCKET,
    `${PREFIX}/signals/a.parquet`,
    await parquetFromSql(`SELECT DATE '${WEEK[1]}' AS finished_date`),
  );
  await server.put(
    BUCKET,
    `${PREFIX}/signals/b.parquet`,
    await parquetFromSql(`SELECT * FROM (VALUES (DATE '${WEEK[6]}'), (DATE '${WEEK[3]}')) t(finished_date)`),
  );
  // A day folder with only a non-parquet file, after the week.
  await server.put(BUCKET, `${PREFIX}/metrics/${addDays(WEEK[6], 1)}/_SUCCESS`, '');
  connector = await open();
});

afterAll(async () => {
  await connector?.close();
  await server?.stop();
  process.env.TMPDIR = previousTmp;
  if (previousTmp === undefined) delete process.env.TMPDIR;
  rmSync(tempRoot, { recursive: true, force: true });
});

describe('S3 connector against an S3-compatible server', () => {
  it("returns exactly the files' rows of each day of a week, row for row, with matching counts", async () => {
    const metricColumns = await connector.describe(metricsQuery);
    const eventColumns = await connector.describe(eventsQuery);
    expect(metricColumns.find((c) => c.name === 'date')?.type).toBe('date');
    expect(eventColumns.find((c) => c.name === 'timestamp')?.type).toBe('timestamp');
    expect(eventColumns.find((c) => c.name === 'big')?.type).toBe('integer');
    for (const [i, day] of WEEK.entries()) {
      const metricsFilter = filterFor('date', 'date', day);
      const eventsFilter = filterFor('timestamp', 'timestamp', day);
      const metrics = await readDay(metricsQuery, metricsFilter, 2);
      const events = await readDay(eventsQuery, eventsFilter, 3);
      expect(metrics.sort(byKey('unit_id'))).toEqual(metricRows(day, i).sort(byKey('unit_id')));
      expect(events.sort(byKey('timeuuid'))).toEqual(eventRows(day, i).sort(byKey('timeuuid')));
      const [metricStats] = await connector.dayStats(metricsQuery, [metricsFilter]);
      const [eventStats] = await connector.dayStats(eventsQuery, [eventsFilter]);
      expect(metricStats.rowCount).toBe(metrics.length);
      expect(eventStats.rowCount).toBe(events.length);
    }
    expect(await connector.latestFinishedDate!({})).toBe(WEEK[6]);
    expect(wharfTempFolders()).toEqual([]);
  });

  it('keeps rows of other days that sit in a day folder out of that day', async () => {
    const metrics = await readDay(metricsQuery, filterFor('date', 'date', WEEK[3]));
    expect(metrics.map((r) => r.unit_id)).not.toContain('stray');
    const events = await readDay(eventsQuery, filterFor('timestamp', 'timestamp', WEEK[4]));
    expect(events.map((r) => r.timeuuid)).not.toContain('stray');
    // The stray event is not read for its own day either: that day's folder selects the files.
    const nextDay = await readDay(eventsQuery, filterFor('timestamp', 'timestamp', WEEK[5]));
    expect(nextDay.map((r) => r.timeuuid)).not.toContain('stray');
  });

  it('selects a day by an ISO date string column too', async () => {
    const asText = {
      ...metricsQuery,
      sql: "SELECT unit_id, CAST(date AS VARCHAR) || 'T00:00:00' AS day_text FROM source",
    };
    const rows = await readDay(asText, filterFor('day_text', 'string', WEEK[3]));
    expect(rows.map((r) => r.unit_id).sort()).toEqual(
      metricRows(WEEK[3], 3)
        .map((r) => r.unit_id)
        .sort(),
    );
  });

  it('says a day has data only when its folder holds parquet files', async () => {
    expect(await connector.hasData(metricsQuery, filterFor('date', 'date', WEEK[0]))).toBe(true);
    expect(await connector.hasData(metricsQuery, filterFor('date', 'date', addDays(WEEK[6], 1)))).toBe(false);
    expect(await connector.hasData(metricsQuery, filterFor('date', 'date', '2021-01-01'))).toBe(false);
    const [empty] = await connector.dayStats(metricsQuery, [filterFor('date', 'date', '2021-01-01')]);
    expect(empty).toEqual({ day: '2021-01-01', rowCount: 0, fingerprint: null });
    expect(await readDay(metricsQuery, filterFor('date', 'date', '2021-01-01'))).toEqual([]);
  });

  it('fingerprints day content: stable across reads, different for different content', async () => {
    const stats = await connector.dayStats(
      metricsQuery,
      WEEK.map((d) => filterFor('date', 'date', d)),
    );
    const again = await connector.dayStats(
      metricsQuery,
      WEEK.map((d) => filterFor('date', 'date', d)),
    );
    expect(again).toEqual(stats);
    expect(stats.map((s) => s.day)).toEqual(WEEK);
    expect(new Set(stats.map((s) => s.fingerprint)).size).toBe(WEEK.length);
  });

  it('samples the most recent day folder with parquet files', async () => {
    const rows = await connector.sample(metricsQuery, 4);
    expect(rows).toHaveLength(4);
    expect(new Set(rows.map((r) => r.date))).toEqual(new Set([WEEK[6]]));
  });

  it("reports a SQL error with DuckDB's message, the mapping and the SQL file, and removes temp files", async () => {
    const bad = { ...metricsQuery, sql: 'SELECT no_such_column FROM source' };
    const err = await readDay(bad, filterFor('date', 'date', WEEK[0])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WharfError);
    expect((err as WharfError).errorClass).toBe('query');
    expect((err as WharfError).message).toMatch(/daily_revenue.*mappings\/daily_revenue\.sql.*no_such_column/s);
    await expect(connector.describe(bad)).rejects.toThrow(/no_such_column/);
    expect(wharfTempFolders()).toEqual([]);
  });

  it("names the SQL file's line DuckDB found the error on, in the day's read and in a describe", async () => {
    // Two blank lines and a comment, then the unknown column on line 5 of the file.
    const bad = { ...metricsQuery, sql: '\n\n-- revenue\nSELECT *\nFROM source WHERE no_such_column > 0\n' };
    // One at a time: a second call started alongside could reject before anything awaits it.
    const calls = [() => readDay(bad, filterFor('date', 'date', WEEK[0])), () => connector.describe(bad)];
    for (const call of calls) {
      const err = (await call().then(
        () => null,
        (e: unknown) => e,
      )) as WharfError;
      expect(err.message).toMatch(/LINE 4:/);
      expect(err.hint).toMatch(/DuckDB's line 4 is line 5 of mappings\/daily_revenue\.sql\.$/);
    }
  });

  it('removes downloaded files when a consumer stops reading early', async () => {
    for await (const batch of connector.streamDay(eventsQuery, filterFor('timestamp', 'timestamp', WEEK[6]), {
      batchSize: 1,
    })) {
      expect(batch).toHaveLength(1);
      expect(wharfTempFolders()).toHaveLength(1);
      break;
    }
    expect(wharfTempFolders()).toEqual([]);
  });

  it('fails authentication with an error naming the source and never the secret', async () => {
    // s3rver checks the access key id (it does not verify SigV4 signatures), so the key is wrong here.
    process.env.TEST_S3_WRONG_KEY = 'AKIAWRONGKEY0001';
    process.env.TEST_S3_WRONG = 'wrong-secret-value-123';
    const wrong = await open({ accessKeyId: { env: 'TEST_S3_WRONG_KEY' }, secretAccessKey: { env: 'TEST_S3_WRONG' } });
    try {
      const err = await wrong.hasData(metricsQuery, filterFor('date', 'date', WEEK[0])).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WharfError);
      expect((err as WharfError).errorClass).toBe('auth');
      expect((err as WharfError).message).toContain("'lake'");
      expect((err as WharfError).message).not.toContain('wrong-secret-value-123');
      expect((err as WharfError).message).not.toContain('AKIAWRONGKEY0001');
    } finally {
      await wrong.close();
    }
  });

  it('reports an unreachable endpoint as a transient connection error', async () => {
    const down = await open({ endpoint: 'http://127.0.0.1:1' });
    try {
      const err = await down.hasData(metricsQuery, filterFor('date', 'date', WEEK[0])).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WharfError);
      expect((err as WharfError).errorClass).toBe('connection');
      expect((err as WharfError).transient).toBe(true);
    } finally {
      await down.close();
    }
  });

  it('reports a missing bucket as a config error', async () => {
    const missing = await open({ bucket: 'no-such-bucket' });
    try {
      await expect(missing.hasData(metricsQuery, filterFor('date', 'date', WEEK[0]))).rejects.toMatchObject({
        errorClass: 'config',
        code: 's3.no-such-bucket',
      });
    } finally {
      await missing.close();
    }
  });

  it("describes the latest day's files again once they change", async () => {
    const key = 'described/metrics/2026-01-01/part-0.parquet';
    await server.put(BUCKET, key, await parquetFromSql('SELECT 1 AS a'));
    const described = await open({ prefix: 'described' });
    try {
      const query = { ...metricsQuery, sql: 'SELECT * FROM source' };
      expect((await described.describe(query)).map((c) => [c.name, c.type])).toEqual([['a', 'integer']]);
      expect((await described.describe(query)).map((c) => c.name)).toEqual(['a']);
      await server.put(BUCKET, key, await parquetFromSql("SELECT 'x' AS b, CAST(2.5 AS DOUBLE) AS c"));
      expect((await described.describe(query)).map((c) => [c.name, c.type])).toEqual([
        ['b', 'string'],
        ['c', 'double'],
      ]);
    } finally {
      await described.close();
    }
  });

  it('returns null without signal files and names a bad finished_date', async () => {
    const empty = await open({ prefix: 'nothing-here' });
    try {
      expect(await empty.latestFinishedDate!({})).toBeNull();
    } finally {
      await empty.close();
    }
    await server.put(
      BUCKET,
      'bad-signals/signals/x.parquet',
      await parquetFromSql("SELECT 'yesterday' AS finished_date"),
    );
    const bad = await open({ prefix: 'bad-signals' });
    try {
      await expect(bad.latestFinishedDate!({})).rejects.toThrow(/finished_date 'yesterday'/);
    } finally {
      await bad.close();
    }
  });
});
