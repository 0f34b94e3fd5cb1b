/**
 * The Store, written once over a StoreConnection for both backends. Only the bulk path of a
 * day load differs (DuckDB appenders, PostgreSQL COPY); it is supplied by the backend.
 */
import { randomUUID } from 'node:crypto';
import type { Dialect } from './ddl.js';
import { insertAttempt, queryEntries, readLedgerRow, writeLedgerRow } from './ledger-sql.js';
import { migrateStore } from './migrate.js';
import { TABLES } from './schema.js';
import type {
  AttemptRecord, DayLoad, DayLoadTarget, LedgerEntry, LedgerQuery, SqlExecutor, Store, StoreConnection,
} from './types.js';

/** Starts a backend's bulk day load inside its own transaction. */
export type DayLoadFactory = (target: Required<DayLoadTarget>) => Promise<DayLoad>;

export class SqlStore implements Store {
  readonly columnarMetrics: boolean;

  constructor(
    private readonly connection: StoreConnection,
    private readonly dialect: Dialect,
    private readonly startLoad: DayLoadFactory,
    options: { columnarMetrics: boolean },
  ) {
    this.columnarMetrics = options.columnarMetrics;
  }

  get kind(): StoreConnection['kind'] {
    return this.connection.kind;
  }

  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]> {
    return this.connection.query<T>(sql, params);
  }

  exec(sql: string): Promise<void> {
    return this.connection.exec(sql);
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.connection.transaction(fn);
  }

  close(): Promise<void> {
    return this.connection.close();
  }

  async migrate(): Promise<void> {
    await migrateStore(this.connection, this.dialect);
  }

  beginDayLoad(target: DayLoadTarget): Promise<DayLoad> {
    return this.startLoad({ ...target, loadId: target.loadId ?? randomUUID() });
  }

  async recordDayOutcome(entry: LedgerEntry): Promise<void> {
    await this.connection.transaction(async (tx) => {
      const existing = await readLedgerRow(tx, entry.ingestion, entry.date);
      if (existing && existing.status !== 'failed') return;
      await writeLedgerRow(tx, { ...entry, firstLoadedAt: null });
    });
  }

  async recordAttempt(attempt: AttemptRecord): Promise<void> {
    await insertAttempt(this.connection, attempt);
  }

  ledger(query?: LedgerQuery): Promise<LedgerEntry[]> {
    return queryEntries(this.connection, TABLES.ledger, query);
  }

  attempts(query?: LedgerQuery): Promise<AttemptRecord[]> {
    return queryEntries(this.connection, TABLES.attempts, query);
  }
}

/**
 * The ledger part of committing a day, run inside the day's transaction by both backends:
 * keeps the first successful load time, replaces the ledger row, appends the attempt.
 */
export async function commitLedger(tx: SqlExecutor, entry: LedgerEntry): Promise<void> {
  const existing = await readLedgerRow(tx, entry.ingestion, entry.date);
  const firstLoadedAt = existing?.firstLoadedAt ?? entry.finishedAt;
  const final = { ...entry, firstLoadedAt };
  await writeLedgerRow(tx, final);
  await insertAttempt(tx, final);
}

/** Statements that clear a day's rows and rejects at the start of its load transaction. */
export function clearDaySql(target: DayLoadTarget): { sql: string; params: unknown[] }[] {
  const dayColumn = target.dataset === 'events' ? 'day' : '"date"';
  const table = target.dataset === 'events' ? TABLES.events : TABLES.metrics;
  return [
    { sql: `DELETE FROM ${table} WHERE ingestion = $1 AND ${dayColumn} = CAST($2 AS DATE)`, params: [target.ingestion, target.date] },
    { sql: `DELETE FROM ${TABLES.rejects} WHERE ingestion = $1 AND "date" = CAST($2 AS DATE)`, params: [target.ingestion, target.date] },
  ];
}
