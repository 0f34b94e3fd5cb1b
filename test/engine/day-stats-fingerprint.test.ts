/**
 * A load or a recheck counts the day in the warehouse; it hashes the day's rows only when the
 * mapping's rechecks compare fingerprints (recheck.reloadOnFingerprintChange). On PostgreSQL the
 * statements are read from pg_stat_activity while they wait on an advisory lock the test
 * holds, so what the warehouse was asked to run is seen by the warehouse itself.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventsMapping, SourceConfig } from '../../framework/config/types.js';
import { ingestDay } from '../../framework/engine/ingest-day.js';
import { dayFilter, querySpec } from '../../framework/engine/query-stage.js';
import { ConnectorProbe } from '../../framework/schedule/connector-probe.js';
import { zoneOrThrow } from '../../framework/util/time.js';
import {
  engineContext,
  freshStore,
  loadedMapping,
  makeProject,
  seededSource,
  tempDir,
  type SourceKind,
} from '../support/engine-fixture.js';

const DAY = '2026-10-05';
const GATE = 4242;
const mapping: EventsMapping = {
  name: 'ev',
  dataset: 'events',
  source: 'src',
  sql: './ev.sql',
  schedule: 'daily',
  startDate: '2026-10-01',
  columns: { timestamp: 't', event_name: 'name', user: 'usr' },
};
const SEED = [
  'CREATE TABLE ev (t TIMESTAMP, name VARCHAR, usr VARCHAR)',
  `INSERT INTO ev VALUES ('${DAY} 12:00:00', 'click', '{"userID":"u1"}'), ('${DAY} 13:00:00', 'view', '{"userID":"u2"}')`,
];
const PLAIN_SQL = 'SELECT t, name, usr FROM ev';
// Every statement that reads rows waits here while the test holds the lock (LIMIT 0 describes do not).
const GATED_SQL = `SELECT t, name, usr FROM ev CROSS JOIN (SELECT pg_advisory_xact_lock_shared(${GATE})) AS gate`;

type Path = 'rows' | 'columnar';

/** Every statement seen waiting on the gate, for a failure's message. */
const seenText = (seen: string[]) => `statements seen waiting on the gate:\n${seen.join('\n---\n')}`;

async function load(source: SourceConfig, sql: string, fingerprints: boolean, path: Path = 'rows') {
  const loaded = loadedMapping(mapping, sql);
  loaded.recheck = { ...loaded.recheck, reloadOnFingerprintChange: fingerprints };
  const ctx = {
    ...engineContext(makeProject(tempDir(), [source], [loaded]), await freshStore('duckdb')),
    columnar: path === 'columnar',
  };
  return {
    run: () => ingestDay(ctx, 'ev', DAY),
    connector: () => ctx.connectors.get('src'),
    ledger: async () => (await ctx.store.ledger({ ingestion: 'ev' }))[0],
    close: async () => {
      await ctx.connectors.closeAll();
      await ctx.store.close();
    },
  };
}

describe('PostgreSQL source: the day is hashed only when fingerprints are on', () => {
  let source: SourceConfig;
  // `holder` holds the gate in a transaction; `admin` watches (a transaction would freeze its view of
  // pg_stat_activity).
  let admin: pg.Client;
  let holder: pg.Client;
  let database: string;

  beforeAll(async () => {
    source = await seededSource('postgres', SEED);
    const url = process.env[(source as { url: { env: string } }).url.env] as string;
    database = new URL(url).pathname.slice(1);
    admin = new pg.Client({ connectionString: url });
    holder = new pg.Client({ connectionString: url });
    await Promise.all([admin.connect(), holder.connect()]);
  });
  afterAll(async () => Promise.all([admin.end(), holder.end()]));

  /**
   * Waits until, for each of `meant`, a statement of this database matching it waits on the
   * gate, and returns those statements (one per pattern) and every text seen waiting on the
   * way (for failure messages). pg_stat_activity reads a backend's wait event as it is now but
   * its query text from a copy taken when the view is first read, so a connection can show the
   * statement it ran just before (the query's describe, a SET) as waiting on the gate: only a
   * statement the test means counts.
   */
  async function waitingStatements(meant: RegExp[]): Promise<{ statements: string[]; seen: string[] }> {
    const seen = new Set<string>();
    const deadline = Date.now() + 30_000;
    for (;;) {
      const { rows } = await admin.query<{ pid: number; query: string }>(
        `SELECT pid, query FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock' AND wait_event = 'advisory'`,
        [database],
      );
      for (const r of rows) seen.add(r.query);
      const found = meant.map((pattern) => rows.find((r) => pattern.test(r.query)));
      const pids = new Set(found.map((r) => r?.pid));
      if (found.every((r) => r !== undefined) && pids.size === meant.length) {
        return { statements: found.map((r) => r!.query), seen: [...seen] };
      }
      if (Date.now() > deadline) {
        throw new Error(
          `no statements matching ${meant.join(', ')} waited on the gate; seen waiting:\n${[...seen].join('\n---\n')}`,
        );
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** A day's stats query (count, and fingerprint when asked): the row path's and a recheck's. */
  const STATS = /^SELECT '[\d-]+' AS wharf_day, COUNT\(\*\)/;
  /** What each path sends that reads the day's rows: the statements the test means. */
  const READS: Record<Path, RegExp[]> = {
    // The day's rows (a cursor over the day's query, not the LIMIT 0 describe) and its stats, at the same time.
    rows: [/^SELECT \* FROM \((?![\s\S]*LIMIT 0\s*$)/, STATS],
    // One export, which counts (and fingerprints) the rows as they travel.
    columnar: [/^COPY \(/],
  };

  /** Loads the day with the gate closed; returns the statements seen waiting and the ledger entry. */
  async function gatedLoad(fingerprints: boolean, path: Path) {
    const run = await load(source, GATED_SQL, fingerprints, path);
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock($1)', [GATE]);
      const pending = run.run();
      let waiting: { statements: string[]; seen: string[] };
      try {
        waiting = await waitingStatements(READS[path]);
      } finally {
        await holder.query('COMMIT');
      }
      const result = await pending;
      return { result, ...waiting, entry: await run.ledger() };
    } finally {
      await run.close();
    }
  }

  it.each<Path>(['rows', 'columnar'])(
    '%s path: counts only, and records no fingerprint, when reloadOnFingerprintChange is off',
    { timeout: 60_000 },
    async (path) => {
      const { result, statements, seen, entry } = await gatedLoad(false, path);
      expect(result).toMatchObject({ status: 'succeeded', rowsLoaded: 2, sourceRowCount: 2, path });
      expect(
        statements.filter((s) => /hashtext/i.test(s)),
        seenText(seen),
      ).toEqual([]);
      expect(
        seen.filter((s) => /hashtext/i.test(s)),
        seenText(seen),
      ).toEqual([]);
      expect(entry).toMatchObject({ sourceRowCount: 2, sourceFingerprint: null });
    },
  );

  it(
    'rechecks ask the warehouse for a hash only when the mapping compares fingerprints',
    { timeout: 60_000 },
    async () => {
      const run = await load(source, GATED_SQL, false);
      const loaded = loadedMapping(mapping, GATED_SQL);
      const zone = zoneOrThrow('America/Los_Angeles');
      try {
        const connector = await run.connector();
        const columns = await connector.describe(querySpec(loaded));
        const probe = new ConnectorProbe({
          connector: async () => connector,
          query: async () => querySpec(loaded),
          dayFilter: async (_m, day) => dayFilter(loaded, columns, day, zone),
        });
        for (const fingerprints of [false, true]) {
          const scheduled = {
            name: 'ev',
            source: 'src',
            dataset: 'events' as const,
            schedule: 'daily',
            startDate: '2026-10-01',
            recheck: { ...loaded.recheck, reloadOnFingerprintChange: fingerprints },
          };
          await holder.query('BEGIN');
          await holder.query('SELECT pg_advisory_xact_lock($1)', [GATE]);
          const pending = probe.dayStats(scheduled, [DAY]);
          let waiting: { statements: string[]; seen: string[] };
          try {
            waiting = await waitingStatements([STATS]);
          } finally {
            await holder.query('COMMIT');
          }
          const [stats] = await pending;
          expect(stats.rowCount).toBe(2);
          const hashing = waiting.statements.filter((s) => /hashtext/i.test(s));
          expect(hashing, seenText(waiting.seen)).toHaveLength(fingerprints ? 1 : 0);
          expect(stats.fingerprint === null).toBe(!fingerprints);
        }
      } finally {
        await run.close();
      }
    },
  );

  it.each<Path>(['rows', 'columnar'])(
    '%s path: hashes the day and records its fingerprint when reloadOnFingerprintChange is on',
    { timeout: 60_000 },
    async (path) => {
      const { result, statements, seen, entry } = await gatedLoad(true, path);
      expect(result).toMatchObject({ status: 'succeeded', rowsLoaded: 2, sourceRowCount: 2, path });
      // Rows path: the stats hash, the day's rows do not; columnar path: the export hashes.
      expect(
        statements.filter((s) => /hashtext/i.test(s)),
        seenText(seen),
      ).toHaveLength(1);
      expect(entry.sourceFingerprint).toMatch(/^postgres:-?\d+$/);
    },
  );
});

describe.each<SourceKind>(['duckdb'])('%s source: fingerprints follow the mapping', (kind) => {
  it('records the count alone when off and a fingerprint when on', { timeout: 60_000 }, async () => {
    const source = await seededSource(kind, SEED);
    for (const fingerprints of [false, true]) {
      const run = await load(source, PLAIN_SQL, fingerprints);
      try {
        expect(await run.run()).toMatchObject({ status: 'succeeded', sourceRowCount: 2 });
        const entry = await run.ledger();
        expect(entry.sourceRowCount).toBe(2);
        if (fingerprints) expect(entry.sourceFingerprint).toMatch(/^duckdb:-?\d+$/);
        else expect(entry.sourceFingerprint).toBeNull();
      } finally {
        await run.close();
      }
    }
  });

  it(
    'dayStats counts without a fingerprint when asked to, and fingerprints by default',
    { timeout: 60_000 },
    async () => {
      const source = await seededSource(kind, SEED);
      const loaded = loadedMapping(mapping, PLAIN_SQL);
      const ctx = engineContext(makeProject(tempDir(), [source], [loaded]), await freshStore('duckdb'));
      try {
        const connector = await ctx.connectors.get('src');
        const query = querySpec(loaded);
        const filters = [dayFilter(loaded, await connector.describe(query), DAY, zoneOrThrow('America/Los_Angeles'))];
        expect(await connector.dayStats(query, filters, { fingerprint: false })).toEqual([
          { day: DAY, rowCount: 2, fingerprint: null },
        ]);
        const [hashed] = await connector.dayStats(query, filters);
        expect(hashed.rowCount).toBe(2);
        expect(hashed.fingerprint).toMatch(/^duckdb:-?\d+$/);
      } finally {
        await ctx.connectors.closeAll();
        await ctx.store.close();
      }
    },
  );
});
