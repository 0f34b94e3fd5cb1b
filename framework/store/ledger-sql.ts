/**
 * Ledger and attempt rows in SQL, shared by both store dialects: how an entry becomes
 * parameters, and how a row read back becomes an entry again.
 */
import type { ErrorClass } from '../diagnostics/errors.js';
import { TABLES } from './schema.js';
import type { DayStatus, LedgerEntry, LedgerQuery, SqlExecutor } from './types.js';

const COLUMNS = [
  'ingestion',
  '"date"',
  'status',
  'error_class',
  'error_message',
  'rows_loaded',
  'rows_rejected',
  'reject_reasons',
  'source_row_count',
  'source_fingerprint',
  'config_hash',
  'commit_sha',
  '"trigger"',
  'started_at',
  'finished_at',
  'first_loaded_at',
  'load_id',
  'duplicates',
  'error_hint',
];

/** A timestamp as both stores parse it: UTC wall time without a zone suffix. */
export function sqlTimestamp(value: Date | null): string | null {
  return value ? value.toISOString().replace('T', ' ').replace('Z', '') : null;
}

function params(e: LedgerEntry): unknown[] {
  return [
    e.ingestion,
    e.date,
    e.status,
    e.errorClass,
    e.errorMessage,
    e.rowsLoaded,
    e.rowsRejected,
    JSON.stringify(e.rejectReasons),
    e.sourceRowCount,
    e.sourceFingerprint,
    e.configHash,
    e.commitSha,
    e.trigger,
    sqlTimestamp(e.startedAt),
    sqlTimestamp(e.finishedAt),
    sqlTimestamp(e.firstLoadedAt),
    e.loadId,
    e.duplicates,
    e.errorHint,
  ];
}

function insertSql(table: string): string {
  const casts = COLUMNS.map((c, i) => {
    const p = `$${i + 1}`;
    if (c === '"date"') return `CAST(${p} AS DATE)`;
    if (c.endsWith('_at')) return `CAST(${p} AS TIMESTAMP)`;
    if (c.startsWith('rows_') || c === 'source_row_count' || c === 'duplicates') return `CAST(${p} AS BIGINT)`;
    return `CAST(${p} AS VARCHAR)`;
  });
  return `INSERT INTO ${table} (${COLUMNS.join(', ')}) VALUES (${casts.join(', ')})`;
}

/** Replaces the ledger row of the entry's day. */
export async function writeLedgerRow(tx: SqlExecutor, entry: LedgerEntry): Promise<void> {
  await tx.query(`DELETE FROM ${TABLES.ledger} WHERE ingestion = $1 AND "date" = CAST($2 AS DATE)`, [
    entry.ingestion,
    entry.date,
  ]);
  await tx.query(insertSql(TABLES.ledger), params(entry));
}

export async function insertAttempt(tx: SqlExecutor, entry: LedgerEntry): Promise<void> {
  await tx.query(insertSql(TABLES.attempts), params(entry));
}

/** The ledger row of one day, if any. */
export async function readLedgerRow(tx: SqlExecutor, ingestion: string, date: string): Promise<LedgerEntry | null> {
  const rows = await tx.query<Record<string, unknown>>(
    `SELECT * FROM ${TABLES.ledger} WHERE ingestion = $1 AND "date" = CAST($2 AS DATE)`,
    [ingestion, date],
  );
  return rows.length ? toEntry(rows[0]) : null;
}

export async function queryEntries(tx: SqlExecutor, table: string, q: LedgerQuery = {}): Promise<LedgerEntry[]> {
  const where: string[] = [];
  const values: unknown[] = [];
  if (q.ingestion) where.push(`ingestion = $${values.push(q.ingestion)}`);
  if (q.from) where.push(`"date" >= CAST($${values.push(q.from)} AS DATE)`);
  if (q.to) where.push(`"date" <= CAST($${values.push(q.to)} AS DATE)`);
  const sql = `SELECT * FROM ${table}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ingestion, "date", started_at`;
  return (await tx.query<Record<string, unknown>>(sql, values)).map(toEntry);
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const date = (v: unknown) =>
  v === null || v === undefined ? null : v instanceof Date ? v : new Date(`${String(v).replace(' ', 'T')}Z`);

function toEntry(r: Record<string, unknown>): LedgerEntry {
  return {
    ingestion: String(r.ingestion),
    date: r.date instanceof Date ? r.date.toISOString().slice(0, 10) : String(r.date),
    status: r.status as DayStatus,
    errorClass: (r.error_class as ErrorClass | null) ?? null,
    errorMessage: (r.error_message as string | null) ?? null,
    rowsLoaded: Number(r.rows_loaded),
    rowsRejected: Number(r.rows_rejected),
    rejectReasons: JSON.parse(String(r.reject_reasons)) as Record<string, number>,
    sourceRowCount: num(r.source_row_count),
    sourceFingerprint: (r.source_fingerprint as string | null) ?? null,
    configHash: String(r.config_hash),
    commitSha: (r.commit_sha as string | null) ?? null,
    trigger: String(r.trigger),
    startedAt: date(r.started_at) as Date,
    finishedAt: date(r.finished_at) as Date,
    firstLoadedAt: date(r.first_loaded_at),
    loadId: String(r.load_id),
    duplicates: num(r.duplicates),
    errorHint: (r.error_hint as string | null) ?? null,
  };
}
