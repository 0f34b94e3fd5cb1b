/**
 * The scheduler against a real DuckDB warehouse file, through the connector contract and
 * ConnectorProbe: a day's rows are counted with the DayFilter rules (events by the PST day's
 * UTC bounds, metrics by their date column) using aggregate SQL only, and the loader
 * downloads exactly the rows those filters select.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBValue } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import type { DailySchedule, IsoDate, SignalSchedule } from '../config/types.js';
import type {
  ColumnInfo,
  Connector,
  DayFilter,
  DayStats,
  LogicalType,
  QuerySpec,
  Row,
  StreamOptions,
} from '../connectors/types.js';
import { readerRows } from '../util/duckdb-values.js';
import type { LedgerEntry, LedgerQuery } from '../store/types.js';
import { openDuckDB, type DuckDBHandle } from '../util/duckdb.js';
import { dayBounds, zoneOrThrow } from '../util/time.js';
import { ManualClock } from './clock.js';
import { ConnectorProbe } from './connector-probe.js';
import { MemorySchedulerState } from './memory-state.js';
import { Scheduler } from './scheduler.js';
import { testMapping } from './testing/harness.js';
import { playUntil } from './testing/play.js';
import type { Clock, DayLoader, LedgerReader, LoadOutcome, LoadTrigger, ScheduledMapping } from './types.js';

const PST = zoneOrThrow('PST');
const QUERIES: Record<string, { sql: string; column: string; columnType: 'timestamp' | 'date' }> = {
  app_events: {
    sql: 'SELECT event_id, event_time, value FROM app_events',
    column: 'event_time',
    columnType: 'timestamp',
  },
  daily_metrics: { sql: 'SELECT unit_id, ds, metric_value FROM daily_metrics', column: 'ds', columnType: 'date' },
};
const ts = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');
const LOGICAL: Record<string, LogicalType> = {
  VARCHAR: 'string',
  TIMESTAMP: 'timestamp',
  DATE: 'date',
  DOUBLE: 'double',
  BIGINT: 'integer',
  INTEGER: 'integer',
};

/** A DuckDB warehouse behind the published connector contract, filtering days the DayFilter way. */
class DuckDBTestConnector implements Connector {
  readonly kind = 'duckdb';
  readonly sourceName = 'warehouse';
  readonly capabilities = { fingerprint: true, signals: 'table' as const };
  constructor(private readonly db: DuckDBHandle) {}

  private async rows<T>(sql: string, params: DuckDBValue[] = []): Promise<T[]> {
    return readerRows<T>(await this.db.connection.runAndReadAll(sql, params));
  }

  private filtered(query: QuerySpec, filter: DayFilter, select: string): { sql: string; params: DuckDBValue[] } {
    const base = `SELECT ${select} FROM (${query.sql}) q WHERE `;
    if (filter.columnType === 'date')
      return { sql: `${base}${filter.column} = CAST($1 AS DATE)`, params: [filter.day] };
    if (filter.columnType === 'string') return { sql: `${base}${filter.column} = $1`, params: [filter.day] };
    if (filter.columnType === 'timestamp') {
      return {
        sql: `${base}${filter.column} >= CAST($1 AS TIMESTAMP) AND ${filter.column} < CAST($2 AS TIMESTAMP)`,
        params: [ts(filter.fromUtc), ts(filter.toUtc)],
      };
    }
    const [from, to] = [filter.fromUtc.getTime(), filter.toUtc.getTime()];
    return {
      sql: `${base}((${filter.column} >= $1 AND ${filter.column} < $2) OR (${filter.column} >= $3 AND ${filter.column} < $4))`,
      params: [from / 1000, to / 1000, from, to],
    };
  }

  async describe(query: QuerySpec): Promise<ColumnInfo[]> {
    const rows = await this.rows<{ column_name: string; column_type: string }>(`DESCRIBE ${query.sql}`);
    return rows.map((r) => ({
      name: r.column_name,
      type: LOGICAL[r.column_type] ?? 'other',
      nativeType: r.column_type,
    }));
  }

  async *streamDay(query: QuerySpec, filter: DayFilter, options: StreamOptions): AsyncIterable<Row[]> {
    const { sql, params } = this.filtered(query, filter, '*');
    for (let offset = 0; ; offset += options.batchSize) {
      const batch = await this.rows<Row>(`${sql} LIMIT ${options.batchSize} OFFSET ${offset}`, params);
      if (batch.length === 0) return;
      yield batch;
    }
  }

  async sample(query: QuerySpec, limit: number): Promise<Row[]> {
    return this.rows<Row>(`SELECT * FROM (${query.sql}) q LIMIT ${limit}`);
  }

  async dayStats(query: QuerySpec, filters: DayFilter[]): Promise<DayStats[]> {
    const out: DayStats[] = [];
    for (const filter of filters) {
      const { sql, params } = this.filtered(
        query,
        filter,
        'count(*) AS n, CAST(coalesce(sum(hash(CAST(q AS VARCHAR))), 0) AS VARCHAR) AS fp',
      );
      const [row] = await this.rows<{ n: number; fp: string }>(sql, params);
      out.push({ day: filter.day, rowCount: Number(row.n), fingerprint: row.fp });
    }
    this.statsCalls++;
    return out;
  }

  statsCalls = 0;

  async hasData(query: QuerySpec, filter: DayFilter): Promise<boolean> {
    const { sql, params } = this.filtered(query, filter, 'count(*) > 0 AS present');
    return (await this.rows<{ present: boolean }>(sql, params))[0].present;
  }

  async latestFinishedDate(signal: { table?: string }): Promise<IsoDate | null> {
    return (
      await this.rows<{ d: string | null }>(`SELECT CAST(max(finished_date) AS DATE) AS d FROM ${signal.table}`)
    )[0].d;
  }

  async close(): Promise<void> {}
}

const querySpec = (mapping: ScheduledMapping): QuerySpec => ({
  mapping: mapping.name,
  sqlFile: `mappings/${mapping.name}.sql`,
  sql: QUERIES[mapping.name].sql,
  dataset: mapping.dataset,
});
const dayFilter = (mapping: ScheduledMapping, day: IsoDate): DayFilter => ({
  ...QUERIES[mapping.name],
  day,
  ...dayBounds(day, PST),
});

/** A minimal engine: downloads the day's rows through the connector and keeps a ledger. */
class TestEngine implements DayLoader, LedgerReader {
  readonly loads: { mapping: string; day: IsoDate; trigger: LoadTrigger; rows: number }[] = [];
  private readonly entries = new Map<string, LedgerEntry>();
  constructor(
    private readonly connector: Connector,
    private readonly clock: Clock,
  ) {}

  async load(mapping: ScheduledMapping, day: IsoDate, trigger: LoadTrigger): Promise<LoadOutcome> {
    const load = { mapping: mapping.name, day, trigger, rows: 0 };
    this.loads.push(load); // in the order loads start
    for await (const batch of this.connector.streamDay(querySpec(mapping), dayFilter(mapping, day), { batchSize: 32 }))
      load.rows += batch.length;
    const [stats] = await this.connector.dayStats(querySpec(mapping), [dayFilter(mapping, day)]);
    const status = load.rows > 0 ? 'succeeded' : 'no_data';
    this.write(mapping.name, day, trigger, status, stats.rowCount, stats.fingerprint);
    return { status, rowsLoaded: load.rows, sourceRowCount: stats.rowCount, fingerprint: stats.fingerprint };
  }

  async markNoData(mapping: ScheduledMapping, day: IsoDate): Promise<void> {
    this.write(mapping.name, day, 'schedule', 'no_data', 0, null);
  }

  async ledger(query: LedgerQuery = {}): Promise<LedgerEntry[]> {
    return [...this.entries.values()].filter(
      (e) =>
        e.ingestion === query.ingestion && (!query.from || e.date >= query.from) && (!query.to || e.date <= query.to),
    );
  }

  private write(
    mapping: string,
    day: IsoDate,
    trigger: string,
    status: 'succeeded' | 'no_data',
    rows: number,
    fingerprint: string | null,
  ): void {
    const now = this.clock.now();
    const previous = this.entries.get(`${mapping}|${day}`);
    this.entries.set(`${mapping}|${day}`, {
      ingestion: mapping,
      date: day,
      status,
      errorClass: null,
      errorMessage: null,
      errorHint: null,
      rowsLoaded: rows,
      rowsRejected: 0,
      rejectReasons: {},
      duplicates: 0,
      sourceRowCount: rows,
      sourceFingerprint: fingerprint,
      configHash: 'test',
      commitSha: null,
      trigger,
      startedAt: now,
      finishedAt: now,
      firstLoadedAt: previous?.firstLoadedAt ?? (status === 'succeeded' ? now : null),
      loadId: String(this.loads.length),
    });
  }
}

/** `n` events spread over the PST day `day`, plus one just before and one just after it. */
async function insertEvents(db: DuckDBHandle, day: IsoDate, n: number, tag: string): Promise<void> {
  const { fromUtc, toUtc } = dayBounds(day, PST);
  await db.connection.run(
    `INSERT INTO app_events SELECT $1 || '-' || i, CAST($2 AS TIMESTAMP) + to_seconds(i * 600), NULL FROM range(0, $3) t(i)`,
    [`${day}-${tag}`, ts(fromUtc), n],
  );
  await db.connection.run(
    'INSERT INTO app_events VALUES ($1, CAST($2 AS TIMESTAMP), NULL), ($3, CAST($4 AS TIMESTAMP), NULL)',
    [`${day}-${tag}-before`, ts(new Date(fromUtc.getTime() - 1000)), `${day}-${tag}-after`, ts(toUtc)],
  );
}

describe('the scheduler on a real DuckDB warehouse', () => {
  let db: DuckDBHandle | undefined;
  afterEach(() => db?.close());

  it('loads a late day at the first check after it lands, reloads on >5% growth, and follows a signal table', async () => {
    db = await openDuckDB(join(mkdtempSync(join(tmpdir(), 'wharf-sched-wh-')), 'warehouse.duckdb'));
    await db.connection.run(`CREATE TABLE app_events (event_id VARCHAR, event_time TIMESTAMP, value VARCHAR);
      CREATE TABLE daily_metrics (unit_id VARCHAR, ds DATE, metric_value DOUBLE);
      CREATE TABLE signals (finished_date DATE);`);
    const clock = new ManualClock('2024-07-02T12:00:00Z');
    const connector = new DuckDBTestConnector(db);
    const warehouse = new TestEngine(connector, clock);
    const probe = new ConnectorProbe({
      connector: async () => connector,
      query: async (m) => querySpec(m),
      dayFilter: async (m, day) => dayFilter(m, day),
    });
    const daily: DailySchedule = { kind: 'daily', name: 'daily_9am', at: '09:00' };
    const signal: SignalSchedule = { kind: 'signal', name: 'finished', source: 'warehouse', table: 'signals' };
    const scheduler = await Scheduler.open(
      {
        timeZone: 'PST',
        schedules: [daily, signal],
        mappings: [
          testMapping('app_events', 'daily_9am', '2024-07-01'),
          testMapping('daily_metrics', 'finished', '2024-06-28'),
        ],
        sources: [{ name: 'warehouse' }],
      },
      { clock, loader: warehouse, probe, ledger: warehouse, state: new MemorySchedulerState() },
    );

    await playUntil(scheduler, clock, '2024-07-02T19:30:00Z');
    expect(warehouse.loads).toEqual([]);
    await insertEvents(db, '2024-07-01', 100, 'a'); // 2.5 hours late
    await playUntil(scheduler, clock, '2024-07-03T02:00:00Z');
    // Exactly the PST day's 100 rows: the rows just outside its UTC bounds belong to other days.
    expect(warehouse.loads).toEqual([{ mapping: 'app_events', day: '2024-07-01', trigger: 'schedule', rows: 100 }]);

    await insertEvents(db, '2024-07-01', 4, 'b'); // +4%: below the threshold
    await playUntil(scheduler, clock, '2024-07-03T06:00:00Z');
    expect(warehouse.loads).toHaveLength(1);
    await insertEvents(db, '2024-07-01', 3, 'c'); // 107 vs 100: +7%
    await playUntil(scheduler, clock, '2024-07-03T08:00:00Z');
    expect(warehouse.loads.slice(1)).toEqual([
      { mapping: 'app_events', day: '2024-07-01', trigger: 'recheck', rows: 107 },
    ]);

    await db.connection.run(
      `INSERT INTO daily_metrics SELECT 'u' || i, DATE '2024-06-28' + CAST(i % 5 AS INTEGER), i FROM range(0, 50) t(i)`,
    );
    await db.connection.run(`INSERT INTO signals VALUES (DATE '2024-07-01')`);
    await playUntil(scheduler, clock, '2024-07-03T09:00:00Z');
    expect(warehouse.loads.filter((l) => l.mapping === 'daily_metrics').map((l) => [l.day, l.trigger, l.rows])).toEqual(
      [
        ['2024-06-28', 'signal', 10],
        ['2024-06-29', 'signal', 10],
        ['2024-06-30', 'signal', 10],
        ['2024-07-01', 'signal', 10],
      ],
    );
    expect(connector.statsCalls).toBeGreaterThan(10); // rechecks: aggregates, never a download
    await expect(probe.latestFinishedDate({ ...signal, table: undefined })).rejects.toThrow(
      "needs a 'table' holding the finished_date column",
    );
  });
});
