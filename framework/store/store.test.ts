/** One suite, run against both store backends: the Store contract of store/types.ts. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/postgres.js';
import { META_DDL, MIGRATIONS } from './ddl.js';
import { openStore, openStoreConnection, storeOver } from './open-store.js';
import { STORE_FORMAT_VERSION, type MetricRecord } from './schema.js';
import type { LedgerEntry, Store } from './types.js';

const backends: Record<string, () => Promise<Store>> = {
  duckdb: async () =>
    openStore({ kind: 'duckdb', path: join(mkdtempSync(join(tmpdir(), 'wharf-store-')), 'store.duckdb') }, '/'),
  postgres: async () => {
    process.env.WHARF_STORE_TEST_URL = await createTestDatabase();
    return openStore({ kind: 'postgres', url: { env: 'WHARF_STORE_TEST_URL' } }, '/');
  },
};

const metric = (unit: string, value: number | null, extra: Partial<MetricRecord> = {}): MetricRecord => ({
  ingestion: 'm',
  date: '2026-10-01',
  unit_id: unit,
  id_type: 'user_id',
  metric_name: 'revenue',
  metric_value: value,
  numerator: null,
  denominator: null,
  ...extra,
});

function entry(loadId: string, over: Partial<LedgerEntry> = {}): LedgerEntry {
  const now = new Date('2026-10-02T10:00:00.000Z');
  return {
    ingestion: 'm',
    date: '2026-10-01',
    status: 'succeeded',
    errorClass: null,
    errorMessage: null,
    errorHint: null,
    rowsLoaded: 2,
    rowsRejected: 0,
    rejectReasons: {},
    duplicates: 0,
    sourceRowCount: 2,
    sourceFingerprint: 'abc',
    configHash: 'h1',
    commitSha: null,
    trigger: 'manual',
    startedAt: now,
    finishedAt: now,
    firstLoadedAt: null,
    loadId,
    ...over,
  };
}

async function load(store: Store, rows: MetricRecord[], over: Partial<LedgerEntry> = {}): Promise<string> {
  const day = await store.beginDayLoad({ ingestion: 'm', dataset: 'metrics', date: '2026-10-01' });
  await day.appendRows(rows);
  await day.commit(entry(day.loadId, { rowsLoaded: rows.length, ...over }));
  return day.loadId;
}

const units = async (store: Store) =>
  (
    await store.query<{ unit_id: string; metric_value: number }>(
      'SELECT unit_id, metric_value FROM metrics ORDER BY unit_id',
    )
  ).map((r) => `${r.unit_id}=${r.metric_value}`);

/** A store as format version 1 left it, with one metrics row carrying its load_id. */
async function formatOneStore(kind: 'duckdb' | 'postgres'): Promise<Store> {
  const config =
    kind === 'duckdb'
      ? ({ kind, path: join(mkdtempSync(join(tmpdir(), 'wharf-store-')), 'store.duckdb') } as const)
      : ((process.env.WHARF_STORE_TEST_URL = await createTestDatabase()),
        { kind, url: { env: 'WHARF_STORE_TEST_URL' } } as const);
  const connection = await openStoreConnection(config, '/');
  await connection.exec(META_DDL);
  for (const statement of MIGRATIONS[0](kind)) await connection.exec(statement);
  await connection.exec("INSERT INTO wharf_meta (key, value) VALUES ('format_version', '1')");
  await connection.exec(
    `INSERT INTO metrics VALUES ('m', DATE '2026-10-01', 'u1', 'user_id', 'revenue', 5, NULL, NULL, 'old-load')`,
  );
  return storeOver(connection);
}

describe.each(['duckdb', 'postgres'] as const)('%s store written by format version 1', (kind) => {
  it('migrates to the current version: rows stay, the per-row load_id goes', async () => {
    const store = await formatOneStore(kind);
    try {
      expect(await store.query("SELECT value FROM wharf_meta WHERE key = 'format_version'")).toEqual([
        { value: String(STORE_FORMAT_VERSION) },
      ]);
      expect(await units(store)).toEqual(['u1=5']);
      await expect(store.query('SELECT load_id FROM metrics')).rejects.toThrow(/load_id/);
      await expect(store.query('SELECT load_id FROM events')).rejects.toThrow(/load_id/);
      // The migrated store loads as a new one does.
      await load(store, [metric('a', 1)]);
      expect(await units(store)).toEqual(['a=1']);
    } finally {
      await store.close();
    }
  });
});

/** A store as format version 2 left it: a ledger row and its attempt, without a duplicates count. */
async function formatTwoStore(kind: 'duckdb' | 'postgres'): Promise<Store> {
  const config =
    kind === 'duckdb'
      ? ({ kind, path: join(mkdtempSync(join(tmpdir(), 'wharf-store-')), 'store.duckdb') } as const)
      : ((process.env.WHARF_STORE_TEST_URL = await createTestDatabase()),
        { kind, url: { env: 'WHARF_STORE_TEST_URL' } } as const);
  const connection = await openStoreConnection(config, '/');
  await connection.exec(META_DDL);
  for (const step of MIGRATIONS.slice(0, 2)) for (const statement of step(kind)) await connection.exec(statement);
  await connection.exec("INSERT INTO wharf_meta (key, value) VALUES ('format_version', '2')");
  for (const table of ['ledger', 'attempts']) {
    await connection.exec(`INSERT INTO ${table} (ingestion, "date", status, rows_loaded, rows_rejected, reject_reasons, config_hash, "trigger", started_at, finished_at, load_id)
      VALUES ('e', DATE '2026-10-01', 'succeeded', 7, 0, '{}', 'h', 'schedule', TIMESTAMP '2026-10-02 10:00:00', TIMESTAMP '2026-10-02 10:00:00', 'old-load')`);
  }
  return storeOver(connection);
}

describe.each(['duckdb', 'postgres'] as const)('%s store written by format version 2', (kind) => {
  it('migrates: old ledger and attempt rows have an unknown (null) duplicates count and no hint, new loads keep theirs', async () => {
    const store = await formatTwoStore(kind);
    try {
      expect(await store.query("SELECT value FROM wharf_meta WHERE key = 'format_version'")).toEqual([
        { value: String(STORE_FORMAT_VERSION) },
      ]);
      expect((await store.ledger()).map((e) => [e.ingestion, e.rowsLoaded, e.duplicates])).toEqual([['e', 7, null]]);
      expect((await store.attempts()).map((e) => [e.ingestion, e.duplicates])).toEqual([['e', null]]);
      // Rows from before format version 5 have no hint.
      expect((await store.ledger()).map((e) => e.errorHint)).toEqual([null]);
      await load(store, [metric('a', 1)], { duplicates: 3 });
      expect((await store.ledger({ ingestion: 'm' })).map((e) => e.duplicates)).toEqual([3]);
      expect((await store.attempts({ ingestion: 'm' })).map((e) => e.duplicates)).toEqual([3]);
    } finally {
      await store.close();
    }
  });
});

describe.each(Object.entries(backends))('%s store', (_name, open) => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('records its format version and migrates idempotently', async () => {
    store = await open();
    await store.migrate();
    const rows = await store.query<{ value: string }>("SELECT value FROM wharf_meta WHERE key = 'format_version'");
    expect(rows).toEqual([{ value: String(STORE_FORMAT_VERSION) }]);
  });

  it('replaces a day on reload instead of duplicating it', async () => {
    store = await open();
    await load(store, [metric('a', 1), metric('b', 2)]);
    const second = await load(store, [metric('a', 1), metric('b', 2)]);
    expect(await units(store)).toEqual(['a=1', 'b=2']);
    const [ledger] = await store.ledger({ ingestion: 'm' });
    expect(ledger.loadId).toBe(second);
    expect(ledger.firstLoadedAt?.toISOString()).toBe('2026-10-02T10:00:00.000Z');
    expect((await store.attempts({ ingestion: 'm' })).length).toBe(2);
  });

  it('keeps the previous version and ledger row when a load is rolled back', async () => {
    store = await open();
    const first = await load(store, [metric('a', 1)]);
    const day = await store.beginDayLoad({ ingestion: 'm', dataset: 'metrics', date: '2026-10-01' });
    await day.appendRows([metric('x', 9), metric('y', 9)]);
    await day.appendRejects([
      { ingestion: 'm', date: '2026-10-01', row: '{}', column: 'unit_id', rule: 'r', reason: 'bad' },
    ]);
    await day.rollback();
    expect(await units(store)).toEqual(['a=1']);
    expect((await store.ledger())[0].loadId).toBe(first);
    expect(await store.query('SELECT * FROM rejects')).toEqual([]);
  });

  it('writes a failed outcome only for a day that never succeeded', async () => {
    store = await open();
    const hint = 'Create the table, or read another in mappings/m.sql.';
    const failed = (id: string, date: string) =>
      entry(id, {
        date,
        status: 'failed',
        errorClass: 'query',
        errorMessage: 'no such table',
        errorHint: hint,
        rowsLoaded: 0,
      });
    await store.recordDayOutcome(failed('f1', '2026-10-03'));
    await load(store, [metric('a', 1)]);
    await store.recordDayOutcome(failed('f2', '2026-10-01'));
    const ledger = await store.ledger();
    expect(ledger.map((e) => [e.date, e.status, e.errorClass, e.errorHint])).toEqual([
      ['2026-10-01', 'succeeded', null, null],
      ['2026-10-03', 'failed', 'query', hint],
    ]);
    await store.recordAttempt(failed('f3', '2026-10-04'));
    expect((await store.attempts({ from: '2026-10-04' })).map((e) => e.errorHint)).toEqual([hint]);
  });

  it('moves null-denominator rows of ratio metrics into the rejects', async () => {
    store = await open();
    const day = await store.beginDayLoad({ ingestion: 'm', dataset: 'metrics', date: '2026-10-01' });
    await day.appendRows([
      metric('a', null, { metric_name: 'conv', numerator: 1, denominator: null }),
      metric('b', 5, { metric_name: 'conv' }),
      metric('c', null, { metric_name: 'conv', numerator: 1, denominator: 2 }),
      metric('d', 3),
    ]);
    // As received: the query's names and an unmapped column, not the loaded values.
    await day.holdValueOnlyRows([
      { metric: 'conv', row: JSON.stringify({ unit_id: 'a', n: 1, extra: 'x' }) },
      { metric: 'conv', row: JSON.stringify({ unit_id: 'b', v: '5', extra: 'y' }) },
      { metric: 'value', row: JSON.stringify({ unit_id: 'd', v: 3 }) },
    ]);
    const moved = await day.rejectNullDenominators(['conv'], (m) => `ratio metric ${m} needs a denominator`);
    await day.commit(entry(day.loadId, { rowsLoaded: 2, rowsRejected: 2 }));
    expect(moved).toBe(2);
    expect(await units(store)).toEqual(['c=null', 'd=3']);
    const rejects = await store.query<{ row: string; rule: string; reason: string }>(
      'SELECT "row", rule, reason FROM rejects ORDER BY "row"',
    );
    expect(rejects.map((r) => [JSON.parse(r.row), r.rule, r.reason])).toEqual([
      [{ unit_id: 'a', n: 1, extra: 'x' }, 'denominator.null_in_ratio', 'ratio metric conv needs a denominator'],
      [{ unit_id: 'b', v: '5', extra: 'y' }, 'denominator.null_in_ratio', 'ratio metric conv needs a denominator'],
    ]);
  });
});
