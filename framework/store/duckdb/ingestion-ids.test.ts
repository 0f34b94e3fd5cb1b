/**
 * The DuckDB store's rows name their ingestion by a number (DUCKDB_ROWS in schema.ts): a
 * store of format version 5, with rows of two ingestions, is migrated and read back through
 * the `events` and `metrics` views exactly as it was; loads and drops after it find their
 * ingestion's rows by the number; two days of a new ingestion started at once both load.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { META_DDL, MIGRATIONS } from '../ddl.js';
import { dropIngestionData } from '../drop-ingestion.js';
import { openStoreConnection, storeOver } from '../open-store.js';
import { STORE_FORMAT_VERSION, type MetricRecord } from '../schema.js';
import type { Store } from '../types.js';
import { succeededEntry } from '../../../test/support/ledger-entry.js';

/** Rows as format version 5 stored them, `ingestion` the first column. */
const V5_EVENTS = `INSERT INTO events VALUES
  ('clicks', DATE '2026-10-01', TIMESTAMP '2026-10-01 09:00:00', 'click', '1', '{"page":"/a"}', '{"userID":"u1"}', 'u1', NULL, 't1'),
  ('clicks', DATE '2026-10-02', TIMESTAMP '2026-10-02 09:30:00', 'click', NULL, NULL, '{"customIDs":{"stableID":"s"}}', NULL, '{"stableID":"s"}', 't2'),
  ('views', DATE '2026-10-01', TIMESTAMP '2026-10-01 10:00:00', 'view', NULL, '{"page":"/b"}', '{"userID":"u2"}', 'u2', NULL, 't3')`;
const V5_METRICS = `INSERT INTO metrics VALUES
  ('revenue', DATE '2026-10-01', 'u1', 'user_id', 'revenue', 5.5, NULL, NULL),
  ('revenue', DATE '2026-10-02', 'u2', 'user_id', 'revenue', NULL, NULL, NULL),
  ('conversion', DATE '2026-10-01', 'u1', 'user_id', 'conversion', NULL, 1, 3)`;

const EVENTS_IN_ORDER = 'SELECT * FROM events ORDER BY timeuuid';
const METRICS_IN_ORDER = 'SELECT * FROM metrics ORDER BY ingestion, "date", unit_id';

const stores: Store[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

/** A DuckDB store left at format version 5 with the rows above. */
async function formatFiveStore(): Promise<Store> {
  const path = join(mkdtempSync(join(tmpdir(), 'wharf-ids-')), 'store.duckdb');
  const connection = await openStoreConnection({ kind: 'duckdb', path }, '/');
  await connection.exec(META_DDL);
  for (const step of MIGRATIONS.slice(0, 5)) for (const statement of step('duckdb')) await connection.exec(statement);
  await connection.exec("INSERT INTO wharf_meta (key, value) VALUES ('format_version', '5')");
  await connection.exec(V5_EVENTS);
  await connection.exec(V5_METRICS);
  const store = await storeOver(connection);
  stores.push(store);
  return store;
}

const succeeded = (ingestion: string, date: string, loadId: string, rowsLoaded: number) =>
  succeededEntry({ ingestion, date, loadId, rowsLoaded, sourceRowCount: rowsLoaded });

const revenue = (ingestion: string, date: string, unit: string, value: number): MetricRecord => ({
  ingestion,
  date,
  unit_id: unit,
  id_type: 'user_id',
  metric_name: 'revenue',
  metric_value: value,
  numerator: null,
  denominator: null,
});

async function loadMetrics(store: Store, ingestion: string, date: string, rows: MetricRecord[]): Promise<void> {
  const day = await store.beginDayLoad({ ingestion, dataset: 'metrics', date });
  await day.appendRows(rows);
  await day.commit(succeeded(ingestion, date, day.loadId, rows.length));
}

describe('DuckDB store: ingestions by number', () => {
  it('migrates format 5 to 6: the views read every row as it was, and the names got numbers', async () => {
    // The same rows inserted into a store of format 5, read before its migration.
    const reference = await formatFiveStore();
    const [eventsBefore, metricsBefore] = [
      await reference.query(EVENTS_IN_ORDER),
      await reference.query(METRICS_IN_ORDER),
    ];
    const store = await formatFiveStore();
    await store.migrate();
    expect(STORE_FORMAT_VERSION).toBe(6);
    expect(await store.query("SELECT value FROM wharf_meta WHERE key = 'format_version'")).toEqual([{ value: '6' }]);
    expect(await store.query(EVENTS_IN_ORDER)).toEqual(eventsBefore);
    expect(await store.query(METRICS_IN_ORDER)).toEqual(metricsBefore);
    expect(eventsBefore).toHaveLength(3);
    expect(Object.keys(eventsBefore[0])[0]).toBe('ingestion');
    expect(await store.query('SELECT id, name FROM ingestion_ids ORDER BY id')).toEqual([
      { id: 1, name: 'clicks' },
      { id: 2, name: 'conversion' },
      { id: 3, name: 'revenue' },
      { id: 4, name: 'views' },
    ]);
    expect(
      await store.query(
        `SELECT table_name, table_type FROM information_schema.tables
         WHERE table_name IN ('events', 'metrics', 'event_rows', 'metric_rows') ORDER BY table_name`,
      ),
    ).toEqual([
      { table_name: 'event_rows', table_type: 'BASE TABLE' },
      { table_name: 'events', table_type: 'VIEW' },
      { table_name: 'metric_rows', table_type: 'BASE TABLE' },
      { table_name: 'metrics', table_type: 'VIEW' },
    ]);
  });

  it("replaces a day of an ingestion by its number, leaving other ingestions' rows", async () => {
    const store = await formatFiveStore();
    await store.migrate();
    await loadMetrics(store, 'revenue', '2026-10-01', [revenue('revenue', '2026-10-01', 'u9', 9)]);
    expect(await store.query(METRICS_IN_ORDER)).toEqual([
      expect.objectContaining({ ingestion: 'conversion', unit_id: 'u1', numerator: 1, denominator: 3 }),
      expect.objectContaining({ ingestion: 'revenue', unit_id: 'u9', metric_value: 9 }),
      expect.objectContaining({ ingestion: 'revenue', unit_id: 'u2', metric_value: null }),
    ]);
    expect(await store.query('SELECT ingestion_id FROM metric_rows WHERE unit_id = $1', ['u9'])).toEqual([
      { ingestion_id: 3 },
    ]);
  });

  it('gives a new ingestion one number when two of its days begin at once', async () => {
    const store = await formatFiveStore();
    await store.migrate();
    const days = ['2026-10-05', '2026-10-06'];
    const loads = await Promise.all(
      days.map((date) => store.beginDayLoad({ ingestion: 'new', dataset: 'metrics', date })),
    );
    for (const [i, day] of loads.entries()) {
      await day.appendRows([revenue('new', days[i], `n${i}`, i)]);
      await day.commit(succeeded('new', days[i], day.loadId, 1));
    }
    expect(await store.query("SELECT id FROM ingestion_ids WHERE name = 'new'")).toEqual([{ id: 5 }]);
    expect(await store.query(`SELECT "date", unit_id FROM metrics WHERE ingestion = 'new' ORDER BY "date"`)).toEqual([
      { date: '2026-10-05', unit_id: 'n0' },
      { date: '2026-10-06', unit_id: 'n1' },
    ]);
  });

  it("drops an ingestion's rows and keeps its number for a later mapping of the name", async () => {
    const store = await formatFiveStore();
    await store.migrate();
    await store.transaction((tx) => dropIngestionData(tx, store.kind, 'clicks'));
    expect((await store.query(EVENTS_IN_ORDER)).map((r) => r.ingestion)).toEqual(['views']);
    expect(await store.query('SELECT count(*) AS n FROM metrics')).toEqual([{ n: 3 }]);
    await loadMetrics(store, 'clicks', '2026-10-01', [revenue('clicks', '2026-10-01', 'u1', 1)]);
    expect(await store.query("SELECT id FROM ingestion_ids WHERE name = 'clicks'")).toEqual([{ id: 1 }]);
  });
});
