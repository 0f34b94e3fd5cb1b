/**
 * The Store, written once over a StoreConnection for both backends. Only the bulk path of a
 * day load differs (DuckDB appenders, PostgreSQL COPY); it is supplied by the backend.
 */
import { randomUUID } from 'node:crypto';
import type { Dialect } from './ddl.js';
import { insertAttempt, queryEntries, readLedgerRow, writeLedgerRow } from './ledger-sql.js';
import { DayMutex } from './day-mutex.js';
import { migrateStore } from './migrate.js';
import { TABLES } from './schema.js';
import type {
  AttemptRecord,
  DayLoad,
  DayLoadTarget,
  LedgerEntry,
  LedgerQuery,
  SqlExecutor,
  Store,
  StoreConnection,
} from './types.js';

/** Starts a backend's bulk day load inside its own transaction. */
export type DayLoadFactory = (target: Required<DayLoadTarget>, onWait?: (holder: string) => void) => Promise<DayLoad>;

/** Takes a backend's cross-process lock of one day inside an open transaction (PostgreSQL). */
export type DayLocker = (tx: SqlExecutor, ingestion: string, day: string) => Promise<void>;

export class SqlStore implements Store {
  readonly columnarMetrics: boolean;
  readonly columnarEvents: boolean;
  readonly columnarGroupLimit?: number;
  private readonly lockDay: DayLocker | undefined;
  /** Loads of one day in this process wait for each other (see DayMutex). */
  private readonly days = new DayMutex();

  constructor(
    private readonly connection: StoreConnection,
    private readonly dialect: Dialect,
    private readonly startLoad: DayLoadFactory,
    options: { columnarMetrics: boolean; columnarEvents?: boolean; columnarGroupLimit?: number; lockDay?: DayLocker },
  ) {
    this.columnarMetrics = options.columnarMetrics;
    this.columnarEvents = options.columnarEvents ?? false;
    this.columnarGroupLimit = options.columnarGroupLimit;
    this.lockDay = options.lockDay;
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

  async beginDayLoad(target: DayLoadTarget, onWait?: (holder: string) => void): Promise<DayLoad> {
    const release = await this.days.acquire(target.ingestion, target.date, () =>
      onWait?.('another load of the day in this process'),
    );
    try {
      return releasedWhenDone(
        await this.startLoad({ ...target, loadId: target.loadId ?? randomUUID() }, onWait),
        release,
      );
    } catch (err) {
      release();
      throw err;
    }
  }

  async recordDayOutcome(entry: LedgerEntry): Promise<void> {
    // Under the day's lock, so a load of the day committing meanwhile is seen, not overwritten.
    const release = await this.days.acquire(entry.ingestion, entry.date);
    try {
      await this.writeOutcome(entry);
    } finally {
      release();
    }
  }

  private async writeOutcome(entry: LedgerEntry): Promise<void> {
    await this.connection.transaction(async (tx) => {
      await this.lockDay?.(tx, entry.ingestion, entry.date);
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

/** The load, calling `release` once it committed or rolled back. */
function releasedWhenDone(load: DayLoad, release: () => void): DayLoad {
  const commit = load.commit.bind(load);
  const rollback = load.rollback.bind(load);
  load.commit = async (entry) => {
    try {
      await commit(entry);
    } finally {
      release();
    }
  };
  load.rollback = async () => {
    try {
      await rollback();
    } finally {
      release();
    }
  };
  return load;
}
