/**
 * The engine end to end against real engines: DuckDB and PostgreSQL sources, each loaded
 * into a DuckDB store and a PostgreSQL store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventsMapping, MetricsMapping, SourceConfig } from '../../framework/config/types.js';
import { ingestDay } from '../../framework/engine/ingest-day.js';
import { summarizeIngestion } from '../../framework/engine/run-summary.js';
import type { EngineContext } from '../../framework/engine/types.js';
import {
  engineContext,
  freshStore,
  loadedMapping,
  makeProject,
  seededSource,
  tempDir,
  type SourceKind,
  type StoreKind,
} from '../support/engine-fixture.js';
import {
  BAD_DAY,
  BAD_EVENTS,
  BAD_METRICS,
  EPOCH_SQL,
  EVENT_SQL,
  GOOD_DAY,
  METRIC_SQL,
  seedStatements,
} from './source-data.js';

const metricsMapping: MetricsMapping = {
  name: 'metrics_in',
  dataset: 'metrics',
  source: 'src',
  sql: './m.sql',
  schedule: 'daily',
  startDate: GOOD_DAY,
  columns: {
    unit_id: 'unit_id',
    id_type: 'id_type',
    date: 'ds',
    metric_name: 'metric',
    metric_value: 'value',
    numerator: 'num',
    denominator: 'den',
  },
};
const eventsMapping: EventsMapping = {
  name: 'events_in',
  dataset: 'events',
  source: 'src',
  sql: './e.sql',
  schedule: 'daily',
  startDate: GOOD_DAY,
  columns: {
    timestamp: 'ts',
    event_name: 'name',
    event_value: 'val',
    event_metadata: 'meta',
    user: 'usr',
    timeuuid: 'uuid',
  },
};
const epochMapping: EventsMapping = {
  name: 'epoch_in',
  dataset: 'events',
  source: 'src',
  sql: './x.sql',
  schedule: 'daily',
  startDate: GOOD_DAY,
  columns: { timestamp: 't', event_name: 'name', user: 'usr' },
};

// PostgreSQL → DuckDB runs twice: on the columnar metrics path (the default) and forced onto the row path.
const matrix: [SourceKind, StoreKind, boolean][] = [
  ['duckdb', 'duckdb', true],
  ['duckdb', 'postgres', true],
  ['postgres', 'duckdb', true],
  ['postgres', 'duckdb', false],
  ['postgres', 'postgres', true],
];

describe.each(matrix)('%s source → %s store (columnar allowed: %s)', (sourceKind, storeKind, columnar) => {
  let ctx: EngineContext;
  let source: SourceConfig;

  beforeAll(async () => {
    source = await seededSource(sourceKind, seedStatements());
    const mappings = [
      loadedMapping(metricsMapping, METRIC_SQL, 0.5),
      loadedMapping(eventsMapping, EVENT_SQL, 0.5),
      loadedMapping(epochMapping, EPOCH_SQL),
    ];
    ctx = {
      ...engineContext(makeProject(tempDir(), [source], mappings), await freshStore(storeKind)),
      columnar,
      now: () => new Date('2027-08-01T00:00:00Z'),
    };
  });
  afterAll(async () => {
    await ctx.connectors.closeAll();
    await ctx.store.close();
  });

  const byKey = (a: Record<string, unknown>, b: Record<string, unknown>) =>
    `${a.unit_id}|${a.metric_name}`.localeCompare(`${b.unit_id}|${b.metric_name}`);
  const storedMetrics = async () =>
    (
      await ctx.store.query<Record<string, unknown>>(
        `SELECT unit_id, id_type, CAST("date" AS VARCHAR) AS d, metric_name, metric_value, numerator, denominator FROM metrics WHERE ingestion = 'metrics_in' AND "date" = CAST($1 AS DATE)`,
        [GOOD_DAY],
      )
    ).sort(byKey);

  it('loads a day row for row as the source has it', async () => {
    const result = await ingestDay(ctx, 'metrics_in', GOOD_DAY);
    expect(result).toMatchObject({
      status: 'succeeded',
      rowsRead: 30,
      rowsLoaded: 30,
      rowsRejected: 0,
      sourceRowCount: 30,
    });
    expect(result.path).toBe(columnar ? 'columnar' : 'rows');
    const connector = await ctx.connectors.get('src');
    const expected = (
      await connector.sample({ mapping: 'm', sqlFile: 'm.sql', sql: METRIC_SQL, dataset: 'metrics' }, 1000)
    )
      .filter((r) => r.ds === GOOD_DAY)
      .map((r) => ({
        unit_id: r.unit_id,
        id_type: r.id_type,
        d: r.ds,
        metric_name: r.metric,
        metric_value: r.value,
        numerator: null,
        denominator: null,
      }))
      .sort(byKey);
    expect(await storedMetrics()).toEqual(expected);
  });

  it('changes nothing when the same day is loaded twice', async () => {
    const before = await storedMetrics();
    const again = await ingestDay(ctx, 'metrics_in', GOOD_DAY);
    expect(again.rowsLoaded).toBe(30);
    expect(await storedMetrics()).toEqual(before);
    const [{ n }] = await ctx.store.query<{ n: number }>(
      `SELECT count(*) AS n FROM metrics WHERE ingestion = 'metrics_in'`,
    );
    expect(Number(n)).toBe(30);
  });

  it('rejects each metric row that breaks a rule, with its reason, and keeps the good ones', async () => {
    const result = await ingestDay(ctx, 'metrics_in', BAD_DAY);
    expect(result.status).toBe('succeeded');
    expect(result.rejectReasons).toEqual({
      ...Object.fromEntries(Object.keys(BAD_METRICS).map((k) => [k, 1])),
      'denominator.null_in_ratio': 2,
    });
    expect(result.rowsLoaded).toBe(42);
    const rejects = await ctx.store.query<{ rule: string; reason: string; row: string }>(
      `SELECT rule, reason, "row" FROM rejects WHERE ingestion = 'metrics_in' ORDER BY rule`,
    );
    expect(rejects.find((r) => r.rule === 'id_type.undeclared')?.reason).toContain('"User_ID" is not declared');
    expect(
      rejects
        .filter((r) => r.rule === 'denominator.null_in_ratio')
        .map((r) => JSON.parse(r.row).unit_id)
        .sort(),
    ).toEqual(['r0', 'r2']);
    const conv = await ctx.store.query<{ unit_id: string }>(
      `SELECT unit_id FROM metrics WHERE metric_name = 'conv' ORDER BY unit_id`,
    );
    expect(conv.map((r) => r.unit_id)).toEqual(['r1', 'r3']);
    const summary = await summarizeIngestion(
      ctx.store,
      { mapping: 'metrics_in', dataset: 'metrics', from: GOOD_DAY, to: BAD_DAY },
      [],
    );
    expect(summary.rejects.map((r) => [r.rule, r.count, r.days])).toContainEqual([
      'denominator.null_in_ratio',
      2,
      [BAD_DAY],
    ]);
    expect(summary.rowsRejected).toBe(7);
  });

  it('fails a day over the reject threshold and keeps its previous version', async () => {
    const [before] = await ctx.store.ledger({ ingestion: 'metrics_in', from: BAD_DAY, to: BAD_DAY });
    ctx.project.mappings.get('metrics_in')!.validation.maxRejectRate = 0.05;
    try {
      const result = await ingestDay(ctx, 'metrics_in', BAD_DAY);
      expect(result).toMatchObject({ status: 'failed', errorClass: 'validation' });
      expect(result.errorMessage).toMatch(/rejected 7 of 49 rows .*maxRejectRate 5\.00%/);
    } finally {
      ctx.project.mappings.get('metrics_in')!.validation.maxRejectRate = 0.5;
    }
    const [after] = await ctx.store.ledger({ ingestion: 'metrics_in', from: BAD_DAY, to: BAD_DAY });
    expect(after).toEqual(before);
    const [{ n }] = await ctx.store.query<{ n: number }>(
      `SELECT count(*) AS n FROM metrics WHERE "date" = CAST($1 AS DATE)`,
      [BAD_DAY],
    );
    expect(Number(n)).toBe(42);
  });

  it('rejects each event row that breaks a rule and converts the good ones', async () => {
    const result = await ingestDay(ctx, 'events_in', GOOD_DAY);
    expect(result.rejectReasons).toEqual(Object.fromEntries(Object.keys(BAD_EVENTS).map((k) => [k, 1])));
    expect(result.rowsLoaded).toBe(40);
    const rows = await ctx.store.query<{ event_name: string; user_id: string; timeuuid: string }>(
      `SELECT event_name, user_id, timeuuid FROM events WHERE ingestion = 'events_in' AND day = CAST($1 AS DATE) ORDER BY timeuuid`,
      [GOOD_DAY],
    );
    expect(new Set(rows.map((r) => r.event_name))).toEqual(new Set(['add_to_cart', 'page_view']));
    expect(rows.find((r) => r.timeuuid === 'uuid-3')?.user_id).toBe('u3');
  });

  it.each([
    ['2027-01-14', ['w-before']],
    ['2027-01-15', ['w-at']],
    ['2027-07-14', ['s-before']],
    ['2027-07-15', ['s-at']],
  ])('puts events on PST days: %s', async (day, uuids) => {
    await ingestDay(ctx, 'events_in', day);
    const rows = await ctx.store.query<{ timeuuid: string }>(
      `SELECT timeuuid FROM events WHERE day = CAST($1 AS DATE)`,
      [day],
    );
    expect(rows.map((r) => r.timeuuid)).toEqual(uuids);
  });

  it('keeps the first of rows sharing a timeuuid', async () => {
    const result = await ingestDay(ctx, 'events_in', '2026-10-03');
    expect(result).toMatchObject({ rowsLoaded: 2, duplicates: 1 });
    const rows = await ctx.store.query<{ timeuuid: string; event_value: string | null }>(
      `SELECT timeuuid, event_value FROM events WHERE day = CAST('2026-10-03' AS DATE) ORDER BY timeuuid`,
    );
    expect(rows).toEqual([
      { timeuuid: 'dup-1', event_value: 'first' },
      { timeuuid: 'dup-2', event_value: null },
    ]);
  });

  it('reads UNIX seconds and milliseconds timestamps', async () => {
    const result = await ingestDay(ctx, 'epoch_in', GOOD_DAY);
    expect(result).toMatchObject({ status: 'succeeded', rowsLoaded: 2 });
    const rows = await ctx.store.query<{ event_name: string; timestamp: Date }>(
      `SELECT event_name, "timestamp" FROM events WHERE ingestion = 'epoch_in' ORDER BY event_name`,
    );
    expect(rows.map((r) => [r.event_name, r.timestamp.toISOString()])).toEqual([
      ['in_millis', '2026-10-01T20:00:00.001Z'],
      ['in_seconds', '2026-10-01T20:00:00.000Z'],
    ]);
  });
});
