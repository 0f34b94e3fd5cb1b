/**
 * Acceptance: a week of `metrics/` and `events/` parquet on an S3-compatible server, with a
 * `signals/` finished_date, ingested through the engine into each store kind; the store must
 * match the files row for row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventsMapping, MetricsMapping, S3Source } from '../../framework/config/types.js';
import { ingestDay } from '../../framework/engine/ingest-day.js';
import type { EngineContext } from '../../framework/engine/types.js';
import { addDays, dayBounds, dayRange, zoneOrThrow } from '../../framework/util/time.js';
import {
  engineContext,
  freshStore,
  loadedMapping,
  makeProject,
  tempDir,
  type StoreKind,
} from '../support/engine-fixture.js';
import { parquetFromSql, sqlLiteral } from '../support/parquet.js';
import { S3_TEST_CREDENTIALS, startS3Server, type S3TestServer } from '../support/s3-server.js';

const PST = zoneOrThrow('PST');
const WEEK = dayRange('2024-05-01', '2024-05-07');
const BUCKET = 'exports';

interface MetricRow {
  unit_id: string;
  date: string;
  metric_name: string;
  metric_value: number;
}
interface EventRow {
  ts: Date;
  event_name: string;
  event_value: string | null;
  user_id: string;
  event_id: string;
}

function metrics(day: string, i: number): MetricRow[] {
  return Array.from({ length: 5 + i }, (_, k) => ({
    unit_id: `u${k}`,
    date: day,
    metric_name: k % 2 ? 'revenue' : 'orders',
    metric_value: k * 2.25 + i,
  }));
}

function events(day: string, i: number): EventRow[] {
  const { fromUtc } = dayBounds(day, PST);
  const count = 6 + i;
  return Array.from({ length: count }, (_, k) => ({
    ts: new Date(fromUtc.getTime() + Math.floor((k * 86_400_000) / count) + 7),
    event_name: k % 3 ? 'page_view' : 'purchase',
    event_value: k % 4 ? `v${k}` : null,
    user_id: `user_${k % 4}`,
    event_id: `${day}-${k}`,
  }));
}

const metricsParquet = (rows: MetricRow[]) =>
  parquetFromSql(
    `SELECT col0 AS unit_id, CAST(col1 AS DATE) AS date, col2 AS metric_name, CAST(col3 AS DOUBLE) AS metric_value FROM (VALUES ${rows
      .map((r) => `(${[r.unit_id, r.date, r.metric_name, r.metric_value].map(sqlLiteral).join(', ')})`)
      .join(', ')})`,
  );

const eventsParquet = (rows: EventRow[]) =>
  parquetFromSql(
    `SELECT CAST(col0 AS TIMESTAMP) AS ts, col1 AS event_name, CAST(col2 AS VARCHAR) AS event_value, col3 AS user_json, col4 AS event_id FROM (VALUES ${rows
      .map(
        (r) =>
          `(${[r.ts.toISOString().replace('Z', ''), r.event_name, r.event_value, JSON.stringify({ userID: r.user_id }), r.event_id].map(sqlLiteral).join(', ')})`,
      )
      .join(', ')})`,
  );

const metricsMapping: MetricsMapping = {
  name: 'lake_metrics',
  dataset: 'metrics',
  source: 'lake',
  sql: './lake_metrics.sql',
  schedule: 'signal',
  startDate: WEEK[0],
  columns: {
    unit_id: 'unit_id',
    id_type: { constant: 'user_id' },
    date: 'date',
    metric_name: 'metric_name',
    metric_value: 'metric_value',
  },
};
const eventsMapping: EventsMapping = {
  name: 'lake_events',
  dataset: 'events',
  source: 'lake',
  sql: './lake_events.sql',
  schedule: 'signal',
  startDate: WEEK[0],
  columns: {
    timestamp: 'ts',
    event_name: 'event_name',
    event_value: 'event_value',
    user: 'user_json',
    timeuuid: 'event_id',
  },
};

let server: S3TestServer;

beforeAll(async () => {
  server = await startS3Server();
  await server.createBucket(BUCKET);
  for (const [i, day] of WEEK.entries()) {
    const m = metrics(day, i);
    await server.put(BUCKET, `wharf/metrics/${day}/part-0.parquet`, await metricsParquet(m.slice(0, 3)));
    await server.put(BUCKET, `wharf/metrics/${day}/part-1.parquet`, await metricsParquet(m.slice(3)));
    await server.put(BUCKET, `wharf/events/${day}/events.parquet`, await eventsParquet(events(day, i)));
  }
  // Skip-date rule: 05-07 is finished, so the days before it are too, though 05-04..06 are not listed.
  await server.put(
    BUCKET,
    'wharf/signals/finished.parquet',
    await parquetFromSql(`SELECT * FROM (VALUES (DATE '${WEEK[2]}'), (DATE '${WEEK[6]}')) t(finished_date)`),
  );
  // A day after the signal: its files exist but it is not finished.
  await server.put(
    BUCKET,
    `wharf/metrics/${addDays(WEEK[6], 1)}/part-0.parquet`,
    await metricsParquet(metrics(addDays(WEEK[6], 1), 0)),
  );
  process.env.TEST_LAKE_KEY = S3_TEST_CREDENTIALS.accessKeyId;
  process.env.TEST_LAKE_SECRET = S3_TEST_CREDENTIALS.secretAccessKey;
});

afterAll(async () => {
  await server?.stop();
});

describe.each<StoreKind>(['duckdb', 'postgres'])('S3 parquet → %s store', (storeKind) => {
  let ctx: EngineContext;

  beforeAll(async () => {
    const source: S3Source = {
      kind: 's3',
      name: 'lake',
      region: 'us-east-1',
      bucket: BUCKET,
      prefix: 'wharf',
      endpoint: server.endpoint,
      forcePathStyle: true,
      accessKeyId: { env: 'TEST_LAKE_KEY' },
      secretAccessKey: { env: 'TEST_LAKE_SECRET' },
    };
    const mappings = [
      loadedMapping(metricsMapping, 'SELECT * FROM source\n'),
      loadedMapping(eventsMapping, 'SELECT * FROM source;\n'),
    ];
    ctx = engineContext(makeProject(tempDir(), [source], mappings), await freshStore(storeKind));
  });

  afterAll(async () => {
    await ctx.connectors.closeAll();
    await ctx.store.close();
  });

  it('loads every day up to the latest finished_date, and the store matches the files row for row', async () => {
    const connector = await ctx.connectors.get('lake');
    const latest = await connector.latestFinishedDate!({});
    expect(latest).toBe(WEEK[6]);
    for (const day of dayRange(WEEK[0], latest!)) {
      const i = WEEK.indexOf(day);
      const m = await ingestDay(ctx, 'lake_metrics', day);
      expect(m).toMatchObject({
        status: 'succeeded',
        rowsRead: 5 + i,
        rowsLoaded: 5 + i,
        rowsRejected: 0,
        sourceRowCount: 5 + i,
      });
      const e = await ingestDay(ctx, 'lake_events', day);
      expect(e).toMatchObject({
        status: 'succeeded',
        rowsRead: 6 + i,
        rowsLoaded: 6 + i,
        rowsRejected: 0,
        sourceRowCount: 6 + i,
      });
    }

    const storedMetrics = await ctx.store.query<Record<string, unknown>>(
      `SELECT unit_id, CAST("date" AS VARCHAR) AS date, metric_name, metric_value, id_type, numerator, denominator FROM metrics WHERE ingestion = 'lake_metrics' ORDER BY "date", unit_id`,
    );
    const expectedMetrics = WEEK.flatMap((day, i) => metrics(day, i))
      .sort((a, b) => `${a.date}${a.unit_id}`.localeCompare(`${b.date}${b.unit_id}`))
      .map((r) => ({ ...r, id_type: 'user_id', numerator: null, denominator: null }));
    expect(storedMetrics.map((r) => ({ ...r, metric_value: Number(r.metric_value) }))).toEqual(expectedMetrics);

    const storedEvents = await ctx.store.query<Record<string, unknown>>(
      `SELECT CAST(day AS VARCHAR) AS day, "timestamp", event_name, event_value, user_id, timeuuid FROM events WHERE ingestion = 'lake_events' ORDER BY timeuuid`,
    );
    const expectedEvents = WEEK.flatMap((day, i) =>
      events(day, i).map((r) => ({
        day,
        timestamp: r.ts,
        event_name: r.event_name,
        event_value: r.event_value,
        user_id: r.user_id,
        timeuuid: r.event_id,
      })),
    ).sort((a, b) => a.timeuuid.localeCompare(b.timeuuid));
    expect(storedEvents.map((r) => ({ ...r, timestamp: new Date(r.timestamp as string | Date) }))).toEqual(
      expectedEvents,
    );
  });
});
