/**
 * The cross-process exclusion of one day's load on the PostgreSQL store: a transaction-scoped
 * advisory lock per (store schema, ingestion, day), taken before the day's old rows are
 * deleted and released by the commit or rollback (or by the server when the connection dies).
 * A second load of the same day, from any process, waits here until the first has committed,
 * then replaces its rows: under READ COMMITTED its delete would otherwise not see the first
 * load's rows, and both would stay.
 */
import type { SqlExecutor } from '../types.js';

/** The first key of every Wharf day lock, so other users of advisory locks rarely collide. */
const DAY_LOCK_SPACE = 'wharf.day-load';

export const DAY_LOCK_SQL =
  `SELECT pg_advisory_xact_lock(hashtext('${DAY_LOCK_SPACE}'), hashtext(current_schema() || '/' || $1 || '/' || $2))`;

/** Takes the day's lock in the open transaction, waiting for a load of the day that holds it. */
export async function lockDay(tx: SqlExecutor, ingestion: string, day: string): Promise<void> {
  await tx.query(DAY_LOCK_SQL, [ingestion, day]);
}
