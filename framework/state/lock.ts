/**
 * The apply lock: one row in `state_locks`, taken with an insert that only one writer can win
 * (primary key + ON CONFLICT DO NOTHING, inside a transaction). The loser waits up to its
 * timeout, then fails naming the holder and since when. `ingest force-unlock <id>` removes a
 * lock left by a crashed process.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { WharfError } from '../diagnostics/errors.js';
import type { StoreConnection, SqlExecutor } from '../store/types.js';
import { STATE_TABLES } from './ddl.js';
import { isoOf, timestampParam } from './sql-values.js';
import { ensureStateTables } from './store-state.js';

const LOCK_NAME = 'apply';

/** Who holds a lock. */
export interface LockInfo {
  id: string;
  host: string;
  pid: number;
  /** ISO time the lock was taken. */
  since: string;
  operation: string;
}

/** A held lock; `release` is safe to call more than once. */
export interface HeldLock {
  info: LockInfo;
  release(): Promise<void>;
}

/** Thrown when the lock stays held by someone else past the timeout. */
export class LockedError extends WharfError {
  constructor(
    readonly holder: LockInfo,
    where: string,
    hint?: string,
  ) {
    super(
      `The ${where} is locked by ${holder.operation} ${holder.id} (host ${holder.host}, pid ${holder.pid}) since ${holder.since}.`,
      {
        code: 'state.locked',
        errorClass: 'state',
        transient: true,
        hint:
          hint ??
          `Wait for it to finish, retry with a longer --lock-timeout, or, if that process is gone, run \`ingest force-unlock ${holder.id}\`.`,
        details: { holder },
      },
    );
  }
}

export interface LockOptions {
  operation: string;
  /** How long to wait for a held lock, in milliseconds (0: fail at once). */
  timeoutMs: number;
  pollMs?: number;
  now?: () => Date;
}

/** A new lock identity for this process. */
export function newLockInfo(operation: string, now: Date = new Date()): LockInfo {
  return { id: randomUUID(), host: hostname(), pid: process.pid, since: now.toISOString(), operation };
}

/** Takes the apply lock, waiting up to the timeout. */
export async function acquireLock(connection: StoreConnection, options: LockOptions): Promise<HeldLock> {
  await ensureStateTables(connection);
  const now = options.now ?? (() => new Date());
  const deadline = Date.now() + options.timeoutMs;
  const info = newLockInfo(options.operation, now());
  for (;;) {
    if (await tryInsert(connection, info)) return held(connection, info);
    const holder = await currentHolder(connection);
    if (holder && Date.now() >= deadline) throw new LockedError(holder, 'state');
    await new Promise((r) => setTimeout(r, Math.max(1, Math.min(options.pollMs ?? 250, deadline - Date.now()))));
  }
}

async function tryInsert(connection: StoreConnection, info: LockInfo): Promise<boolean> {
  try {
    return await connection.transaction(async (tx) => {
      const rows = await tx.query(
        `INSERT INTO ${STATE_TABLES.locks} (name, holder_id, host, pid, since, operation) VALUES ($1, $2, $3, $4, CAST($5 AS TIMESTAMP), $6) ON CONFLICT (name) DO NOTHING RETURNING holder_id`,
        [LOCK_NAME, info.id, info.host, info.pid, timestampParam(new Date(info.since)), info.operation],
      );
      return rows.length === 1;
    });
  } catch {
    // A concurrent insert of the same key conflicts in the engine: the other writer won.
    return false;
  }
}

function held(connection: StoreConnection, info: LockInfo): HeldLock {
  let released = false;
  return {
    info,
    async release() {
      if (released) return;
      released = true;
      await connection.query(`DELETE FROM ${STATE_TABLES.locks} WHERE name = $1 AND holder_id = $2`, [
        LOCK_NAME,
        info.id,
      ]);
    },
  };
}

/** The current holder, or null when the lock is free. */
export async function currentHolder(db: SqlExecutor): Promise<LockInfo | null> {
  const [r] = await db.query<Record<string, unknown>>(
    `SELECT holder_id, host, pid, since, operation FROM ${STATE_TABLES.locks} WHERE name = $1`,
    [LOCK_NAME],
  );
  return r
    ? {
        id: String(r.holder_id),
        host: String(r.host),
        pid: Number(r.pid),
        since: isoOf(r.since),
        operation: String(r.operation),
      }
    : null;
}

/** Removes the lock with this id; fails when no lock has it, naming the actual holder. */
export async function forceUnlock(connection: StoreConnection, id: string): Promise<LockInfo> {
  await ensureStateTables(connection);
  const holder = await currentHolder(connection);
  if (!holder || holder.id !== id) {
    throw new WharfError(`No lock with id ${id} is held.`, {
      code: 'state.unlock-unknown-id',
      errorClass: 'state',
      hint: holder
        ? `The lock is held by ${holder.operation} ${holder.id} (host ${holder.host}, pid ${holder.pid}) since ${holder.since}.`
        : 'The state is not locked.',
    });
  }
  await connection.query(`DELETE FROM ${STATE_TABLES.locks} WHERE name = $1 AND holder_id = $2`, [LOCK_NAME, id]);
  return holder;
}
