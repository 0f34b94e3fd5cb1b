/**
 * Counts and stored rejects are one truth: "rows read" is the rows the query returned (in the
 * reject-rate message and the result alike), and a rejected row is stored as the query returned
 * it, the same text on both stores and both load paths, NaN kept as "NaN".
 */
import { describe, expect, it } from 'vitest';
import type { EventsMapping, MetricsMapping } from '../../framework/config/types.js';
import { ingestDay } from '../../framework/engine/ingest-day.js';
import { runAll } from '../../framework/engine/run-all.js';
import { renderSummaries } from '../../framework/views/ingest-results.js';
import { summarizeLedger } from '../../framework/status/ledger-summary.js';
import { renderLedgerSummary } from '../../framework/views/ledger-summary.js';
import {
  engineContext,
  freshStore,
  insertSql,
  loadedMapping,
  makeProject,
  seededSource,
  tempDir,
  type SourceKind,
  type StoreKind,
} from '../support/engine-fixture.js';

const DAY = '2026-10-07';
const METRICS_SQL = 'SELECT unit_id, id_type, d, metric, value, num, den, seq FROM src ORDER BY seq';
const metrics: MetricsMapping = {
  name: 'm',
  dataset: 'metrics',
  source: 'src',
  sql: './m.sql',
  schedule: 'daily',
  startDate: DAY,
  columns: {
    unit_id: 'unit_id',
    id_type: 'id_type',
    date: 'd',
    metric_name: 'metric',
    metric_value: 'value',
    numerator: 'num',
    denominator: 'den',
  },
};

function metricSeed(): string[] {
  const good = Array.from({ length: 20 }, (_, i) => [`g${i}`, 'user_id', DAY, 'rev', i, null, null, 10 + i]);
  return [
    'CREATE TABLE src (unit_id VARCHAR, id_type VARCHAR, d DATE, metric VARCHAR, value FLOAT8, num FLOAT8, den FLOAT8, seq INTEGER)',
    insertSql('src', [
      // A value-only row of a metric that turns out to be a ratio: rejected at the end of the day.
      ['r0', 'user_id', DAY, 'conv', 0.5, null, null, 1],
      ['r1', 'user_id', DAY, 'conv', null, 1, 2, 2],
      ['r2', 'user_id', DAY, 'conv', null, 3, 4, 3],
      ...good,
    ]),
    `INSERT INTO src VALUES ('r3', 'user_id', CAST('${DAY}' AS DATE), 'rev', CAST('NaN' AS FLOAT8), NULL, NULL, 4)`,
  ];
}

async function storedRejects(sourceKind: SourceKind, storeKind: StoreKind, columnar: boolean) {
  const source = await seededSource(sourceKind, metricSeed());
  const ctx = {
    ...engineContext(
      makeProject(tempDir(), [source], [loadedMapping(metrics, METRICS_SQL, 0.5)]),
      await freshStore(storeKind),
    ),
    columnar,
  };
  try {
    const result = await ingestDay(ctx, 'm', DAY);
    expect(result).toMatchObject({ status: 'succeeded', rowsRead: 24, rowsLoaded: 22, rowsRejected: 2 });
    const rows = await ctx.store.query<{ rule: string; reason: string; row: string }>(
      'SELECT rule, reason, "row" FROM rejects ORDER BY rule',
    );
    return { path: result.path, rows };
  } finally {
    await ctx.connectors.closeAll();
    await ctx.store.close();
  }
}

describe('stored rejects', () => {
  it(
    "keep the query's column names and values, identical on both stores and both load paths",
    { timeout: 120_000 },
    async () => {
      const runs = [
        await storedRejects('duckdb', 'duckdb', true),
        await storedRejects('duckdb', 'postgres', true),
        await storedRejects('postgres', 'duckdb', true),
      ];
      expect(runs.map((r) => r.path)).toEqual(['columnar', 'columnar', 'columnar']);
      const [first] = runs;
      const ratio = first.rows.find((r) => r.rule === 'denominator.null_in_ratio');
      // Decided at the end of the day, stored as received: the query's names ("d", "metric", "value"), not Wharf's, and
      // the unmapped "seq".
      expect(ratio?.row).toBe(
        `{"unit_id":"r0","id_type":"user_id","d":"${DAY}","metric":"conv","value":0.5,"num":null,"den":null,"seq":1}`,
      );
      const nan = first.rows.find((r) => r.rule !== 'denominator.null_in_ratio');
      expect(nan?.reason).toContain('NaN');
      expect(JSON.parse(nan?.row ?? '{}')).toMatchObject({ unit_id: 'r3', metric: 'rev', value: 'NaN', seq: 4 });
      for (const run of runs.slice(1)) expect(run.rows).toEqual(first.rows);
    },
  );
});

describe('rows read and duplicates', () => {
  const events: EventsMapping = {
    name: 'e',
    dataset: 'events',
    source: 'src',
    sql: './e.sql',
    schedule: 'daily',
    startDate: DAY,
    columns: { timestamp: 'ts', event_name: 'name', user: 'usr', timeuuid: 'uuid' },
  };
  const usr = JSON.stringify({ userID: 'u' });
  const eventsContext = async (maxRejectRate: number, storeKind: StoreKind = 'duckdb') => {
    const source = await seededSource('duckdb', [
      'CREATE TABLE ev (ts TIMESTAMP, name VARCHAR, usr VARCHAR, uuid VARCHAR)',
      insertSql('ev', [
        [`${DAY} 20:00:00`, 'a', usr, 'x'],
        [`${DAY} 20:01:00`, 'a', usr, 'x'],
        [`${DAY} 20:02:00`, null, usr, 'y'],
        [`${DAY} 20:03:00`, 'b', usr, 'z'],
      ]),
    ]);
    return engineContext(
      makeProject(tempDir(), [source], [loadedMapping(events, 'SELECT * FROM ev', maxRejectRate)]),
      await freshStore(storeKind),
    );
  };

  it.each(['duckdb', 'postgres'] as const)(
    'are kept in the %s ledger and attempt history of the committed day, and in the status summary',
    async (storeKind) => {
      const ctx = await eventsContext(0.5, storeKind);
      try {
        expect(await ingestDay(ctx, 'e', DAY)).toMatchObject({
          status: 'succeeded',
          rowsLoaded: 2,
          rowsRejected: 1,
          duplicates: 1,
        });
        const ledger = await ctx.store.ledger({ ingestion: 'e' });
        expect(ledger.map((e) => [e.date, e.status, e.rowsLoaded, e.duplicates])).toEqual([[DAY, 'succeeded', 2, 1]]);
        expect((await ctx.store.attempts({ ingestion: 'e' })).map((e) => e.duplicates)).toEqual([1]);
        const [{ n }] = await ctx.store.query<{ n: number }>("SELECT count(*) AS n FROM events WHERE timeuuid = 'x'");
        expect(Number(n)).toBe(1);
        const summary = summarizeLedger(ledger, await ctx.store.attempts({ ingestion: 'e' }));
        expect(renderLedgerSummary(summary).split('\n')[0]).toContain('2 rows, 1 reject, 1 duplicate dropped');
      } finally {
        await ctx.connectors.closeAll();
        await ctx.store.close();
      }
    },
  );

  it('appear in the run --all summary', async () => {
    const ctx = await eventsContext(0.5);
    try {
      const [summary] = await runAll(ctx, { to: DAY });
      expect(summary).toMatchObject({ rowsLoaded: 2, rowsRejected: 1, duplicatesThisRun: 1 });
      expect(renderSummaries([summary])).toContain(
        '  rows: 2 loaded, 1 rejected; 1 duplicate timeuuid row dropped by the days loaded now',
      );
    } finally {
      await ctx.connectors.closeAll();
      await ctx.store.close();
    }
  });

  it('"rows read" is one number in the reject-rate message and the result, with duplicates dropped said apart', async () => {
    const ctx = await eventsContext(0.1);
    try {
      const result = await ingestDay(ctx, 'e', DAY);
      expect(result).toMatchObject({ status: 'failed', rowsRead: 4, duplicates: 1, rowsRejected: 1 });
      expect(result.errorMessage).toContain(
        `rejected 1 of 4 rows read on ${DAY} (25.00%; 1 duplicate timeuuid row was dropped, neither loaded nor rejected)`,
      );
    } finally {
      await ctx.connectors.closeAll();
      await ctx.store.close();
    }
  });
});
