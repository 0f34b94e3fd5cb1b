/**
 * Loads of one day are mutually exclusive, from every process: two, then eight, concurrent
 * loads of the same days (separate `ingest` processes and separate store connections on the
 * PostgreSQL store; loads sharing one store, DuckDB or PostgreSQL, in one process) leave each
 * day's table rows equal to the source and to its ledger row. The source query sleeps
 * briefly so the loads overlap.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { MetricsMapping } from '../../framework/config/types.js';
import { ingestDay } from '../../framework/engine/ingest-day.js';
import type { ProgressEvent } from '../../framework/engine/types.js';
import { openStore } from '../../framework/store/open-store.js';
import type { Store } from '../../framework/store/types.js';
import {
  engineContext,
  freshStore,
  loadedMapping,
  makeProject,
  seededSource,
  tempDir,
  type StoreKind,
} from '../support/engine-fixture.js';
import { createTestDatabase } from '../support/postgres.js';
import { cliProject, ingestIn as ingest } from '../support/cli-project.js';

const DAYS = ['2026-10-05', '2026-10-06', '2026-10-07'];
const PER_DAY = [3000, 2000, 1000];
const SQL = 'SELECT m.unit_id, m.ds, m.v FROM m CROSS JOIN (SELECT pg_sleep(0.3)) AS pause';

const SEED = [
  'CREATE TABLE m (unit_id text, ds date, v double precision)',
  ...DAYS.map((d, i) => `INSERT INTO m SELECT 'u' || g, DATE '${d}', g FROM generate_series(1, ${PER_DAY[i]}) AS g`),
];

const mapping: MetricsMapping = {
  name: 'm',
  dataset: 'metrics',
  source: 'src',
  sql: './m.sql',
  schedule: 'daily',
  startDate: DAYS[0],
  columns: {
    unit_id: 'unit_id',
    id_type: { constant: 'user_id' },
    date: 'ds',
    metric_name: { constant: 'revenue' },
    metric_value: 'v',
  },
};

let sourceEnv: string;
let sourceUrl: string;

beforeAll(async () => {
  const source = await seededSource('postgres', SEED);
  sourceEnv = (source as { url: { env: string } }).url.env;
  sourceUrl = process.env[sourceEnv] as string;
});

/** Per day: rows in the table and the ledger's rows_loaded, against the source's count. */
async function checkDays(store: Store, days: string[]): Promise<void> {
  for (const day of days) {
    const expected = PER_DAY[DAYS.indexOf(day)];
    const [row] = await store.query<{ n: number }>(
      `SELECT count(*) AS n FROM metrics WHERE ingestion = 'm' AND "date" = CAST($1 AS DATE)`,
      [day],
    );
    const entry = (await store.ledger({ ingestion: 'm', from: day, to: day }))[0];
    expect({ day, table: Number(row.n), ledger: entry?.rowsLoaded, status: entry?.status }).toEqual({
      day,
      table: expected,
      ledger: expected,
      status: 'succeeded',
    });
  }
}

async function pgStore(): Promise<{ url: string; open: () => Promise<Store> }> {
  const url = await createTestDatabase('wharf_concurrent');
  const variable = `WHARF_CONCURRENT_STORE_${Math.random().toString(36).slice(2)}`.toUpperCase();
  process.env[variable] = url;
  return { url, open: () => openStore({ kind: 'postgres', url: { env: variable } }, '/') };
}

describe('concurrent loads of the same days', () => {
  it(
    'in one process, through separate store connections: two, then eight loads of a day',
    { timeout: 60_000 },
    async () => {
      const { open } = await pgStore();
      const source = { kind: 'postgres' as const, name: 'src', url: { env: sourceEnv } };
      const project = makeProject(tempDir(), [source], [loadedMapping(mapping, SQL)]);
      const stores = await Promise.all(Array.from({ length: 8 }, () => open()));
      const waits: string[] = [];
      const contexts = stores.map((store) => ({
        ...engineContext(project, store),
        onProgress: (e: ProgressEvent) => void (e.kind === 'waiting' && waits.push(e.holder)),
      }));
      try {
        for (const n of [2, 8]) {
          const results = await Promise.all(contexts.slice(0, n).map((ctx) => ingestDay(ctx, 'm', DAYS[0])));
          expect(results.map((r) => r.status)).toEqual(Array(n).fill('succeeded'));
          await checkDays(stores[0], [DAYS[0]]);
        }
        // The loads that waited were told who held the day: the other connection's session.
        expect(waits.length).toBeGreaterThan(0);
        for (const holder of waits)
          expect(holder).toMatch(/^wharf .+ pid \d+ on .+ \(server pid \d+\) since \d{4}-\d{2}-\d{2}T/);
      } finally {
        for (const ctx of contexts) await ctx.connectors.closeAll();
        for (const store of stores) await store.close();
      }
    },
  );

  it.each(['duckdb', 'postgres'] as StoreKind[])(
    'in one process on one %s store: eight loads of a day at once, twice',
    { timeout: 60_000 },
    async (kind) => {
      const source = { kind: 'postgres' as const, name: 'src', url: { env: sourceEnv } };
      const ctx = engineContext(
        makeProject(tempDir(), [source], [loadedMapping(mapping, SQL)]),
        await freshStore(kind),
      );
      try {
        for (const round of [1, 2]) {
          const results = await Promise.all(Array.from({ length: 8 }, () => ingestDay(ctx, 'm', DAYS[1])));
          expect(
            results.map((r) => r.status),
            `round ${round}`,
          ).toEqual(Array(8).fill('succeeded'));
          await checkDays(ctx.store, [DAYS[1]]);
        }
      } finally {
        await ctx.connectors.closeAll();
        await ctx.store.close();
      }
    },
  );

  it(
    'from separate ingest processes: two, then eight `run`/`backfill` of the same days',
    { timeout: 180_000 },
    async () => {
      const { url, open } = await pgStore();
      const project = cliProject({
        store: `{ kind: 'postgres', url: env('STORE_URL') }`,
        mapping,
        sql: SQL,
        env: { STORE_URL: url, SOURCE_URL: sourceUrl },
      });
      const two = await Promise.all([
        ingest(project, ['run', 'm', '--date', DAYS[2]]),
        ingest(project, ['run', 'm', '--date', DAYS[2]]),
      ]);
      expect(
        two.map((r) => r.code),
        two.map((r) => r.out).join('\n'),
      ).toEqual([0, 0]);
      const store = await open();
      try {
        await checkDays(store, [DAYS[2]]);
        const eight = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            ingest(
              project,
              i % 2
                ? ['run', 'm', '--date', DAYS[i % 3]]
                : ['backfill', 'm', '--from', DAYS[0], '--to', DAYS[2], '--force'],
            ),
          ),
        );
        expect(
          eight.map((r) => r.code),
          eight.map((r) => r.out).join('\n'),
        ).toEqual(Array(8).fill(0));
        await checkDays(store, DAYS);
      } finally {
        await store.close();
      }
    },
  );
});
