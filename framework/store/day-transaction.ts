/**
 * The two ends of a day load's transaction, the same in both stores. At the start the day's
 * old rows and rejects are cleared and its ledger row read; at commit the ledger row is
 * written with the data and the transaction committed. A failure at either end rolls the whole
 * day back, so the previous version of the day and its ledger row stay.
 */
import { insertAttempt, readLedgerRow, writeLedgerRow } from './ledger-sql.js';
import { TABLES } from './schema.js';
import type { DayLoadTarget, LedgerEntry, SqlExecutor } from './types.js';

/** Where a backend keeps a dataset's rows: its table, and the column and value that pick an ingestion's rows. */
export interface DayRows {
  table: string;
  column: string;
  key: string | number;
}

/** What a backend's day load does at the ends of its transaction, besides the shared SQL. */
export interface DayTransactionSteps {
  /** The day's rows; absent: `events` or `metrics` by the ingestion's name (PostgreSQL). */
  rows?: DayRows;
  /** Before the day is cleared: the backend's cross-process lock of the day, if it has one. */
  lock?(): Promise<void>;
  /** Runs `clear`, the statements that delete the day's old rows, with the backend's settings for them. */
  clear?(clear: () => Promise<void>): Promise<void>;
  /** Before the ledger row is written: moves rows staged outside the tables in, drops staging. */
  settle?(): Promise<void>;
  /** After COMMIT: closes or returns the load's connection. */
  finish(): void;
  /** Undoes the whole day and closes the connection; never throws. */
  rollback(): Promise<void>;
}

/**
 * Opens the day's transaction on `tx` (BEGIN, lock, clear) and returns the day's ledger row
 * before this load; on failure rolls back and rethrows.
 */
export async function beginDay(
  tx: SqlExecutor,
  target: DayLoadTarget,
  steps: DayTransactionSteps,
): Promise<LedgerEntry | null> {
  try {
    await tx.exec('BEGIN');
    await steps.lock?.();
    const clear = async () => {
      for (const s of clearDaySql(target, steps.rows)) await tx.query(s.sql, s.params);
    };
    await (steps.clear ? steps.clear(clear) : clear());
    return await readLedgerRow(tx, target.ingestion, target.date);
  } catch (err) {
    await steps.rollback();
    throw err;
  }
}

/** Writes the day's ledger row and commits the day with it; on failure rolls back and rethrows. */
export async function commitDay(tx: SqlExecutor, entry: LedgerEntry, steps: DayTransactionSteps): Promise<void> {
  try {
    await steps.settle?.();
    await commitLedger(tx, entry);
    await tx.exec('COMMIT');
    steps.finish();
  } catch (err) {
    await steps.rollback();
    throw err;
  }
}

/** The ledger part of a commit: keeps the first successful load time, replaces the row, appends the attempt. */
async function commitLedger(tx: SqlExecutor, entry: LedgerEntry): Promise<void> {
  const existing = await readLedgerRow(tx, entry.ingestion, entry.date);
  const firstLoadedAt = existing?.firstLoadedAt ?? entry.finishedAt;
  const final = { ...entry, firstLoadedAt };
  await writeLedgerRow(tx, final);
  await insertAttempt(tx, final);
}

/** Statements that clear a day's rows and rejects at the start of its load transaction. */
function clearDaySql(
  target: DayLoadTarget,
  rows: DayRows = { table: TABLES[target.dataset], column: 'ingestion', key: target.ingestion },
): { sql: string; params: unknown[] }[] {
  const dayColumn = target.dataset === 'events' ? 'day' : '"date"';
  return [
    {
      sql: `DELETE FROM ${rows.table} WHERE ${rows.column} = $1 AND ${dayColumn} = CAST($2 AS DATE)`,
      params: [rows.key, target.date],
    },
    {
      sql: `DELETE FROM ${TABLES.rejects} WHERE ingestion = $1 AND "date" = CAST($2 AS DATE)`,
      params: [target.ingestion, target.date],
    },
  ];
}
