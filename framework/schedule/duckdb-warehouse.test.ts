/**
 * The scheduler against a real DuckDB warehouse file: the probe counts a day's rows with
 * the DayFilter rules (events by the PST day's UTC bounds, metrics by their date column)
 * using aggregate SQL only, and the loader downloads exactly the rows those filters select.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBValue } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import type { DailySchedule, IsoDate, SignalSchedule } from '../config/types.js';
import type { DayStats } from '../connectors/types.js';
import { readerRows } from '../store/duckdb/values.js';
import type { LedgerEntry, LedgerQuery } from '../store/types.js';
import { openDuckDB, type DuckDBHandle } from '../util/duckdb.js';
import { dayBounds, zoneOrThrow } from '../util/time.js';
import { ManualClock } from './clock.js';
import { MemorySchedulerState } from './memory-state.js';
import { Scheduler } from './scheduler.js';
import { testMapping } from './testing/harness.js';
import { playUntil } from './testing/play.js';
import type { Clock, DayLoader, LedgerReader, LoadOutcome, LoadTrigger, ScheduledMapping, SourceProbe } from './types.js';

const PST = zoneOrThrow('PST');
const QUERIES: Record<string, { sql: string; filter: 'timestamp' | 'date'; column: string; fingerprint: string }> = {
  app_events: { sql: 'SELECT event_id, event_time, value FROM app_events', filter: 'timestamp', column: 'event_time', fingerprint: "hash(event_id || ':' || coalesce(value, ''))" },
  daily_metrics: { sql: 'SELECT unit_id, ds, metric_value FROM daily_metrics', filter: 'date', column: 'ds', fingerprint: 'hash(unit_id || CAST(metric_value AS VARCHAR))' },
};
const ts = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');

/** The user's SQL wrapped and filtered to one day, the way Wharf's DayFilter does it. */
function dayQuery(mapping: string, day: IsoDate, select: string): { sql: string; params: DuckDBValue[] } {
  const q = QUERIES[mapping];
  if (q.filter === 'date') return { sql: `SELECT ${select} FROM (${q.sql}) q WHERE ${q.column} = CAST($1 AS DATE)`, params: [day] };
  const { fromUtc, toUtc } = dayBounds(day, PST);
  return { sql: `SELECT ${select} FROM (${q.sql}) q WHERE ${q.column} >= CAST($1 AS TIMESTAMP) AND ${q.column} < CAST($2 AS TIMESTAMP)`, params: [ts(fromUtc), ts(toUtc)] };
}

class DuckDBWarehouse implements SourceProbe, DayLoader, LedgerReader {
  readonly loads: { mapping: string; day: IsoDate; trigger: LoadTrigger; rows: number }[] = [];
  private readonly entries = new Map<string, LedgerEntry>();
  constructor(readonly db: DuckDBHandle, private readonly clock: Clock) {}

  private async rows<T>(sql: string, params: DuckDBValue[] = []): Promise<T[]> {
    return readerRows<T>(await this.db.connection.runAndReadAll(sql, params));
  }

  async hasData(mapping: ScheduledMapping, day: IsoDate): Promise<boolean> {
    const { sql, params } = dayQuery(mapping.name, day, 'count(*) > 0 AS present');
    return (await this.rows<{ present: boolean }>(sql, params))[0].present;
  }

  async dayStats(mapping: ScheduledMapping, days: IsoDate[]): Promise<DayStats[]> {
    const fingerprint = QUERIES[mapping.name].fingerprint;
    const out: DayStats[] = [];
    for (const day of days) {
      const { sql, params } = dayQuery(mapping.name, day, `count(*) AS n, CAST(coalesce(sum(${fingerprint}), 0) AS VARCHAR) AS fp`);
      const [row] = await this.rows<{ n: number; fp: string }>(sql, params);
      out.push({ day, rowCount: Number(row.n), fingerprint: row.fp });
    }
    return out;
  }

  async latestFinishedDate(_schedule: SignalSchedule): Promise<IsoDate | null> {
    return (await this.rows<{ d: string | null }>('SELECT max(finished_date) AS d FROM signals'))[0].d;
  }

  async load(mapping: ScheduledMapping, day: IsoDate, trigger: LoadTrigger): Promise<LoadOutcome> {
    const load = { mapping: mapping.name, day, trigger, rows: 0 };
    this.loads.push(load); // in the order loads start
    const { sql, params } = dayQuery(mapping.name, day, '*');
    const rows = await this.rows(sql, params);
    const [stats] = await this.dayStats(mapping, [day]);
    load.rows = rows.length;
    const status = rows.length > 0 ? 'succeeded' : 'no_data';
    this.write(mapping.name, day, trigger, status, rows.length, stats.fingerprint);
    return { status, rowsLoaded: rows.length, sourceRowCount: stats.rowCount, fingerprint: stats.fingerprint };
  }

  async markNoData(mapping: ScheduledMapping, day: IsoDate): Promise<void> {
    this.write(mapping.name, day, 'schedule', 'no_data', 0, null);
  }

  async ledger(query: LedgerQuery = {}): Promise<LedgerEntry[]> {
    return [...this.entries.values()].filter((e) => e.ingestion === query.ingestion && (!query.from || e.date >= query.from) && (!query.to || e.date <= query.to));
  }

  private write(mapping: string, day: IsoDate, trigger: string, status: 'succeeded' | 'no_data', rows: number, fingerprint: string | null): void {
    const now = this.clock.now();
    const previous = this.entries.get(`${mapping}|${day}`);
    this.entries.set(`${mapping}|${day}`, {
      ingestion: mapping, date: day, status, errorClass: null, errorMessage: null, rowsLoaded: rows, rowsRejected: 0, rejectReasons: {},
      sourceRowCount: rows, sourceFingerprint: fingerprint, configHash: 'test', commitSha: null, trigger, startedAt: now, finishedAt: now,
      firstLoadedAt: previous?.firstLoadedAt ?? (status === 'succeeded' ? now : null), loadId: String(this.loads.length),
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
  await db.connection.run('INSERT INTO app_events VALUES ($1, CAST($2 AS TIMESTAMP), NULL), ($3, CAST($4 AS TIMESTAMP), NULL)', [
    `${day}-${tag}-before`, ts(new Date(fromUtc.getTime() - 1000)), `${day}-${tag}-after`, ts(toUtc),
  ]);
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
    const warehouse = new DuckDBWarehouse(db, clock);
    const daily: DailySchedule = { kind: 'daily', name: 'daily_9am', at: '09:00' };
    const signal: SignalSchedule = { kind: 'signal', name: 'finished', source: 'warehouse', table: 'signals' };
    const scheduler = await Scheduler.open(
      { timeZone: 'PST', schedules: [daily, signal], mappings: [testMapping('app_events', 'daily_9am', '2024-07-01'), testMapping('daily_metrics', 'finished', '2024-06-28')], sources: [{ name: 'warehouse' }] },
      { clock, loader: warehouse, probe: warehouse, ledger: warehouse, state: new MemorySchedulerState() },
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
    expect(warehouse.loads.slice(1)).toEqual([{ mapping: 'app_events', day: '2024-07-01', trigger: 'recheck', rows: 107 }]);

    await db.connection.run(`INSERT INTO daily_metrics SELECT 'u' || i, DATE '2024-06-28' + CAST(i % 5 AS INTEGER), i FROM range(0, 50) t(i)`);
    await db.connection.run(`INSERT INTO signals VALUES (DATE '2024-07-01')`);
    await playUntil(scheduler, clock, '2024-07-03T09:00:00Z');
    expect(warehouse.loads.filter((l) => l.mapping === 'daily_metrics').map((l) => [l.day, l.trigger, l.rows])).toEqual([
      ['2024-06-28', 'signal', 10],
      ['2024-06-29', 'signal', 10],
      ['2024-06-30', 'signal', 10],
      ['2024-07-01', 'signal', 10],
    ]);
  });
});
