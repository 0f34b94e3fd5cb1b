/**
 * The PostgreSQL store's `events` and `metrics` are indexed by day with BRIN indexes (format
 * version 4): a store written by version 3 (B-tree indexes) migrates, keeps its rows, and a
 * load of one day replaces that day's rows only. A backfill's days clear their old rows through
 * the index, not by reading the table, and the ranges the loads summarize answer as the table does.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { until } from '../../../test/support/until.js';
import { createTestDatabase } from '../../../test/support/postgres.js';
import { META_DDL, MIGRATIONS } from '../ddl.js';
import { openStoreConnection, storeOver } from '../open-store.js';
import type { LedgerEntry, Store } from '../types.js';

const URL_ENV = 'WHARF_DAY_INDEX_TEST_URL';

/** A new database whose url the stores below open (through URL_ENV); returns the url. */
async function newStoreDatabase(): Promise<string> {
  const url = await createTestDatabase('wharf_day_index');
  process.env[URL_ENV] = url;
  return url;
}

/** The store of the database at URL_ENV, as its user. */
const openStore = async () => storeOver(await openStoreConnection({ kind: 'postgres', url: { env: URL_ENV } }, '/'));

/** Summarizes the metrics day index's ranges no load summarized; how many there were. */
async function summarizeLeftRanges(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ done: number }>(
    "SELECT brin_summarize_new_values('wharf.metrics_ingestion_date_brin'::regclass) AS done",
  );
  return rows[0].done;
}

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
  await newStoreDatabase();
  const connection = await openStoreConnection({ kind: 'postgres', url: { env: URL_ENV } }, '/');
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

/** `n` metrics rows of one day, unit ids `<tag>-<i>`. */
const metricRows = (date: string, tag: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    ingestion: 'm',
    date,
    unit_id: `${tag}-${i}`,
    id_type: 'user_id',
    metric_name: 'revenue',
    metric_value: i,
    numerator: null,
    denominator: null,
  }));

async function loadDay(store: Store, date: string, tag: string, n: number): Promise<void> {
  const day = await store.beginDayLoad({ ingestion: 'm', date, dataset: 'metrics' });
  await day.appendRows(metricRows(date, tag, n));
  await day.commit({ ...ledgerEntry(day.loadId, date), rowsLoaded: n, sourceRowCount: n });
}

describe('a backfill into a new PostgreSQL store', () => {
  it('clears each day through the BRIN index, never by reading the table, and the index answers as the table does', async () => {
    const url = await newStoreDatabase();
    const store = await openStore();
    // 30,000 rows a day fill several 128-page ranges; the table has no statistics yet.
    const days = ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04'];
    try {
      for (const date of days) await loadDay(store, date, 'a', 30_000);
      // Two days at once: both summarize (one may leave it to the other), both commit.
      await Promise.all([loadDay(store, '2026-10-02', 'b', 20_000), loadDay(store, '2026-10-05', 'b', 20_000)]);
    } finally {
      await store.close();
    }

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      // The store's sessions report their table statistics as they end: wait for all the rows they inserted.
      const loaded = 4 * 30_000 + 2 * 20_000;
      const stats = await until(
        'the store sessions statistics',
        async () => {
          const [row] = (
            await client.query<{ n_tup_ins: string; seq_tup_read: string; idx_scan: string }>(
              "SELECT n_tup_ins, seq_tup_read, idx_scan FROM pg_stat_user_tables WHERE relname = 'metrics' AND schemaname = 'wharf'",
            )
          ).rows;
          return row && Number(row.n_tup_ins) >= loaded && row;
        },
        { limitMs: 10_000 },
      );
      // Every day's delete went through the index; the table's rows were read once at most (to
      // summarize the ranges they filled), where deletes reading the table read the earlier days again and again.
      expect(Number(stats.idx_scan)).toBeGreaterThanOrEqual(6);
      expect(Number(stats.seq_tup_read)).toBeLessThanOrEqual(loaded);

      const perDay = async (settings: string) => {
        await client.query('BEGIN');
        await client.query(settings);
        const counts = new Map<string, number>();
        for (const date of [...days, '2026-10-05', '2026-10-06'])
          counts.set(
            date,
            Number(
              (
                await client.query<{ n: string }>(
                  `SELECT count(*) AS n FROM wharf.metrics WHERE ingestion = 'm' AND "date" = $1::date`,
                  [date],
                )
              ).rows[0].n,
            ),
          );
        await client.query('ROLLBACK');
        return counts;
      };
      const byIndex = await perDay('SET LOCAL enable_seqscan = off');
      const byTable = await perDay('SET LOCAL enable_bitmapscan = off; SET LOCAL enable_indexscan = off');
      expect(Object.fromEntries(byTable)).toEqual({
        '2026-10-01': 30_000,
        '2026-10-02': 20_000,
        '2026-10-03': 30_000,
        '2026-10-04': 30_000,
        '2026-10-05': 20_000,
        '2026-10-06': 0,
      });
      expect(Object.fromEntries(byIndex)).toEqual(Object.fromEntries(byTable));
    } finally {
      await client.end();
    }
  }, 60_000);
});

describe('a PostgreSQL store whose user does not own the day index', () => {
  it('loads its days all the same, leaving the new ranges to autovacuum', async () => {
    const url = await newStoreDatabase();
    await (await openStore()).close(); // the owner creates the tables and their indexes
    const owner = new pg.Client({ connectionString: url });
    await owner.connect();
    try {
      const role = `wharf_loader_${Math.random().toString(36).slice(2, 8)}`;
      const database = new URL(url).pathname.slice(1);
      await owner.query(`CREATE ROLE ${role} LOGIN`);
      await owner.query(`GRANT CREATE, TEMPORARY ON DATABASE ${database} TO ${role}`);
      await owner.query(`GRANT USAGE, CREATE ON SCHEMA wharf TO ${role}`);
      await owner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA wharf TO ${role}`);
      const asLoader = new URL(url);
      asLoader.username = role;
      process.env[URL_ENV] = asLoader.toString();
      const store = await openStore();
      try {
        await loadDay(store, '2026-10-01', 'a', 30_000);
        await loadDay(store, '2026-10-01', 'b', 20_000);
        expect((await store.ledger()).map((e) => [e.date, e.status, e.rowsLoaded])).toEqual([
          ['2026-10-01', 'succeeded', 20_000],
        ]);
      } finally {
        await store.close();
      }
      const [{ n }] = (
        await owner.query<{ n: string }>(`SELECT count(*) AS n FROM wharf.metrics WHERE unit_id LIKE 'b-%'`)
      ).rows;
      expect(Number(n)).toBe(20_000);
      // The loads could not summarize: the owner finds their ranges still to do.
      expect(await summarizeLeftRanges(owner)).toBeGreaterThan(0);
    } finally {
      await owner.end();
    }
  }, 60_000);
});

describe('a PostgreSQL store whose day index another session is summarizing', () => {
  it('loads its days without waiting for that session, leaving the new ranges to it', async () => {
    const url = await newStoreDatabase();
    const store = await openStore();
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      // The lock a summary (autovacuum's, or a concurrent load's) holds; inserts and deletes do not wait for it.
      await other.query('BEGIN');
      await other.query('LOCK TABLE wharf.metrics IN SHARE UPDATE EXCLUSIVE MODE');
      await loadDay(store, '2026-10-01', 'a', 30_000);
      await loadDay(store, '2026-10-01', 'b', 20_000);
      await loadDay(store, '2026-10-02', 'b', 10_000);
      expect((await store.ledger()).map((e) => [e.date, e.status, e.rowsLoaded])).toEqual([
        ['2026-10-01', 'succeeded', 20_000],
        ['2026-10-02', 'succeeded', 10_000],
      ]);
      await other.query('COMMIT');
      expect(await summarizeLeftRanges(other)).toBeGreaterThan(0);
      const counts = await other.query<{ d: string; n: string }>(
        `SELECT CAST("date" AS VARCHAR) AS d, count(*) AS n FROM wharf.metrics GROUP BY 1 ORDER BY 1`,
      );
      expect(counts.rows.map((r) => [r.d, Number(r.n)])).toEqual([
        ['2026-10-01', 20_000],
        ['2026-10-02', 10_000],
      ]);
    } finally {
      await other.end();
      await store.close();
    }
  }, 60_000);
});
