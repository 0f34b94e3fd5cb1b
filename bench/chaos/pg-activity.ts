/**
 * What a PostgreSQL store's sessions are doing, as text for a stuck chaos run's report: the
 * non-idle rows of pg_stat_activity (who, state, what it waits for, since when, its query),
 * the idle sessions counted per application, and the locks not granted. Bounded by short
 * timeouts, so describing a hang cannot hang itself.
 */
import pg from 'pg';

const LIMIT_MS = 5_000;

const ACTIVITY_SQL = `
  SELECT pid, application_name AS app, state, wait_event_type AS wait_type, wait_event AS wait,
         round(extract(epoch FROM now() - xact_start)::numeric, 1) AS xact_s,
         round(extract(epoch FROM now() - query_start)::numeric, 1) AS query_s,
         left(regexp_replace(query, '\\s+', ' ', 'g'), 200) AS query
  FROM pg_stat_activity
  WHERE datname = current_database() AND pid <> pg_backend_pid() AND state IS DISTINCT FROM 'idle'
  ORDER BY xact_start NULLS LAST`;

/** Idle sessions are only counted: a client checked out and never released shows up here. */
const IDLE_SQL = `
  SELECT application_name AS app, count(*)::int AS n FROM pg_stat_activity
  WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'idle'
  GROUP BY 1 ORDER BY 1`;

const WAITING_LOCKS_SQL = `
  SELECT l.pid, l.locktype, l.mode, l.classid, l.objid, l.objsubid, l.relation::regclass::text AS relation
  FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
  WHERE NOT l.granted AND a.datname = current_database()`;

/** One line per non-idle session and per lock waited for; a line saying why when the server cannot be asked. */
export async function pgActivity(url: string): Promise<string> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: LIMIT_MS,
    query_timeout: LIMIT_MS,
    application_name: 'chaos watchdog',
  });
  try {
    await client.connect();
    const sessions = (await client.query(ACTIVITY_SQL)).rows;
    const locks = (await client.query(WAITING_LOCKS_SQL)).rows;
    const idle = (await client.query(IDLE_SQL)).rows;
    const lines = sessions.map(
      (s) =>
        `  pid ${s.pid} [${s.app}] ${s.state}${s.wait_type ? `, waiting on ${s.wait_type}/${s.wait}` : ''}` +
        `, transaction ${s.xact_s ?? '-'} s, statement ${s.query_s ?? '-'} s: ${s.query}`,
    );
    for (const l of locks)
      lines.push(
        `  pid ${l.pid} waits for ${l.mode} on ${l.locktype} ${l.relation ?? `${l.classid}/${l.objid}/${l.objsubid}`}`,
      );
    for (const i of idle) lines.push(`  ${i.n} idle session(s) [${i.app}]`);
    return `pg_stat_activity (non-idle; idle ones counted) and ungranted locks:\n${lines.join('\n') || '  (none)'}`;
  } catch (err) {
    return `pg_stat_activity: could not be read (${err instanceof Error ? err.message : String(err)})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}
