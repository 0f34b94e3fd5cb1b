/**
 * The PostgreSQL store's `events` and `metrics` are indexed by day with BRIN indexes (format
 * version 4): a store written by version 3 (B-tree indexes) migrates, keeps its rows, and a
 * load of one day replaces that day's rows only.
 */
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/postgres.js';
import { META_DDL, MIGRATIONS } from '../ddl.js';
import { openStoreConnection, storeOver } from '../open-store.js';
import type { LedgerEntry, Store } from '../types.js';

const ledgerEntry = (loadId: string, date: string): LedgerEntry => {
  const now = new Date('2026-10-03T10:00:00.000Z');
  return {
    ...{
      ingestion: 'm',
      date,
      status: 'succeeded',
      errorClass: null,
      errorMessage: null,
      errorHint: null,
      rowsLoaded: 1,
    },
    ...{ rowsRejected: 0, rejectReasons: {}, duplicates: 0, sourceRowCount: 1, sourceFingerprint: null },
    ...{ configHash: 'h', commitSha: null, trigger: 'manual', startedAt: now, finishedAt: now, firstLoadedAt: null },
    loadId,
  };
};

async function versionThreeStore(): Promise<Store> {
  process.env.WHARF_DAY_INDEX_TEST_URL = await createTestDatabase('wharf_day_index');
  const connection = await openStoreConnection({ kind: 'postgres', url: { env: 'WHARF_DAY_INDEX_TEST_URL' } }, '/');
  await connection.exec(META_DDL);
  for (const step of MIGRATIONS.slice(0, 3)) for (const statement of step('postgres')) await connection.exec(statement);
  await connection.exec("INSERT INTO wharf_meta (key, value) VALUES ('format_version', '3')");
  for (const [date, unit] of [
    ['2026-10-01', 'a'],
    ['2026-10-02', 'b'],
  ])
    await connection.exec(
      `INSERT INTO metrics VALUES ('m', DATE '${date}', '${unit}', 'user_id', 'revenue', 1, NULL, NULL)`,
    );
  return storeOver(connection);
}

describe('the PostgreSQL store indexed by day with BRIN', () => {
  it('migrates a version 3 store, whose rows stay, and a day load replaces its own day only', async () => {
    const store = await versionThreeStore();
    try {
      const indexes = await store.query<{ indexdef: string }>(
        `SELECT indexdef FROM pg_indexes WHERE tablename IN ('events', 'metrics') ORDER BY indexname`,
      );
      expect(indexes.map((i) => i.indexdef.replace(/ ON \S+\./, ' ON '))).toEqual([
        "CREATE INDEX events_ingestion_day_brin ON events USING brin (ingestion, day) WITH (autosummarize='on')",
        "CREATE INDEX metrics_ingestion_date_brin ON metrics USING brin (ingestion, date) WITH (autosummarize='on')",
      ]);
      const day = await store.beginDayLoad({ ingestion: 'm', date: '2026-10-02', dataset: 'metrics' });
      const row = { ingestion: 'm', date: '2026-10-02', unit_id: 'c', id_type: 'user_id', metric_name: 'revenue' };
      await day.appendRows([{ ...row, metric_value: 2, numerator: null, denominator: null }]);
      await day.commit(ledgerEntry(day.loadId, '2026-10-02'));
      const rows = await store.query<{ d: string; unit_id: string }>(
        `SELECT CAST("date" AS VARCHAR) AS d, unit_id FROM metrics ORDER BY 1, 2`,
      );
      expect(rows).toEqual([
        { d: '2026-10-01', unit_id: 'a' },
        { d: '2026-10-02', unit_id: 'c' },
      ]);
    } finally {
      await store.close();
    }
  });
});
