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

const KEYS = `hashtext('${DAY_LOCK_SPACE}'), hashtext(current_schema() || '/' || $1 || '/' || $2)`;
/** pg_locks shows the two int4 keys as unsigned oids. */
const unsigned = (key: string) => `((${key})::bigint + 4294967296) % 4294967296`;

/**
 * Takes the day's lock in the open transaction. When another load of the day holds it,
 * `onWait` is told who (that session's application name and since when), then this waits
 * until the holder commits or rolls back.
 */
export async function lockDay(
  tx: SqlExecutor,
  ingestion: string,
  day: string,
  onWait?: (holder: string) => void,
): Promise<void> {
  const [got] = await tx.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(${KEYS}) AS ok`, [ingestion, day]);
  if (got.ok) return;
  onWait?.(await holderOf(tx, ingestion, day));
  await tx.query(`SELECT pg_advisory_xact_lock(${KEYS})`, [ingestion, day]);
}

async function holderOf(tx: SqlExecutor, ingestion: string, day: string): Promise<string> {
  const [h] = await tx.query<{ app: string | null; pid: number; since: Date | null }>(
    `SELECT a.application_name AS app, a.pid, a.xact_start AS since
     FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
       AND l.classid::bigint = ${unsigned(`hashtext('${DAY_LOCK_SPACE}')`)}
       AND l.objid::bigint = ${unsigned(`hashtext(current_schema() || '/' || $1 || '/' || $2)`)}`,
    [ingestion, day],
  );
  if (!h) return 'another load (it has just finished)';
  const since = h.since ? ` since ${new Date(h.since).toISOString()}` : '';
  return `${h.app || 'another session'} (server pid ${h.pid})${since}`;
}
