/**
 * The demo warehouse: a DuckDB file of synthetic product data, generated deterministically
 * (no randomness, only arithmetic hashes of ids and days) the first time the demo source is
 * used. Its days run from DEMO_FIRST_DAY to DEMO_DAYS_AHEAD days past the day it was made, and
 * a command that opens it with fewer than DEMO_REFILL_DAYS days left extends it in place, so
 * the demo keeps having tomorrow's data. A day's rows depend only on the day and the users,
 * never on when they were generated: an extended file holds what a new one would.
 * It plants one row of each kind the seed contract rejects, so a first run shows what rejects
 * look like:
 *   - an event name of 130 characters                       (on 2026-10-05)
 *   - a user JSON with neither userID nor customIDs          (on 2026-10-06)
 *   - a metric row whose id type is not declared             (on 2026-10-07)
 *   - a ratio metric row with a null denominator             (on 2026-10-08)
 * Users are split 50/50 into the `checkout_button` experiment's control and test groups
 * (exposure events); test users' revenue is about 8% higher, their sessions are unchanged.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { addDays } from '../util/time.js';
import { isDuckDBFileLockError, openDuckDB, type DuckDBHandle } from '../util/duckdb.js';
import { readerRows } from '../util/duckdb-values.js';

export const DEMO_FIRST_DAY = '2026-10-01';
const DEMO_USERS = 2000;
/** How many days of data the demo holds past the day it is generated or extended. */
const DEMO_DAYS_AHEAD = 60;
/** A demo with fewer days left than this is extended when a command opens it. */
const DEMO_REFILL_DAYS = 30;

/**
 * Pseudo-random integer in [0, mod) from an integer expression: Knuth's multiplicative hash,
 * keeping the well-mixed upper 16 of 32 bits. Plain arithmetic, so deterministic everywhere.
 */
const h = (expr: string, salt: number, mod: number) =>
  `(((((${expr}) + ${salt} * 40503) * 2654435761) % 4294967296) // 65536 % ${mod})`;

const DEMO_TABLES = ['app_events', 'daily_metrics', 'checkout_funnel'];

const CREATE_TABLES = `
CREATE TABLE app_events (event_id VARCHAR, event_time TIMESTAMP, event VARCHAR, value VARCHAR, properties VARCHAR, user_json VARCHAR);
CREATE TABLE daily_metrics (unit_id VARCHAR, id_type VARCHAR, ds DATE, metric VARCHAR, value DOUBLE);
CREATE TABLE checkout_funnel (unit_id VARCHAR, ds DATE, metric VARCHAR, orders DOUBLE, checkouts DOUBLE);
`;

/** Every row of the days `first` to `last`, appended to the demo's tables. */
const daysSql = (first: string, last: string) => `
CREATE TEMP TABLE users AS
SELECT i AS n,
       printf('u%05d', i) AS user_id,
       printf('d%08x', (i * 2654435761) % 4294967296) AS device_id,
       CASE WHEN ${h('i', 7, 2)} = 0 THEN 'control' ELSE 'test' END AS exp_group,
       ${h('i', 11, 14)} AS exposure_day_index
FROM range(1, ${DEMO_USERS} + 1) t(i);

CREATE TEMP TABLE days AS
SELECT d::DATE AS ds, (d::DATE - DATE '${DEMO_FIRST_DAY}') AS day_index
FROM range(DATE '${first}', DATE '${last}' + INTERVAL 1 DAY, INTERVAL 1 DAY) t(d);

-- Events: 0-3 per user and day, at times spread over the PST day (08:00 UTC to 08:00 UTC).
INSERT INTO app_events
WITH slots AS (
  SELECT u.*, d.ds, d.day_index, s.k
  FROM users u CROSS JOIN days d CROSS JOIN range(0, 3) s(k)
  WHERE ${h('u.n * 1000 + d.day_index * 7 + s.k', 3, 4)} > s.k
)
SELECT printf('ev-%s-%d-%d', user_id, day_index, k) AS event_id,
       (ds::TIMESTAMP + INTERVAL 8 HOUR + to_seconds(${h('n * 977 + day_index * 31 + k', 5, 86400)})) AS event_time,
       ['page_view', 'add_to_cart', 'purchase'][${h('n + day_index + k', 13, 3)} + 1] AS event,
       CASE WHEN ${h('n + day_index + k', 13, 3)} = 2 THEN CAST(${h('n * 3 + day_index', 17, 90)} + 10 AS VARCHAR) ELSE NULL END AS value,
       json_object('page', '/p/' || ${h('n + k', 19, 20)}, 'platform', CASE WHEN n % 2 = 0 THEN 'ios' ELSE 'web' END)::VARCHAR AS properties,
       json_object('userID', user_id, 'customIDs', json_object('stableID', device_id))::VARCHAR AS user_json
FROM slots
UNION ALL
-- Exposure events for the checkout_button experiment, one per user, in its first two weeks.
SELECT printf('exp-%s', u.user_id),
       (d.ds::TIMESTAMP + INTERVAL 8 HOUR + to_seconds(${h('u.n', 23, 3600)})),
       'experiment_exposure',
       u.exp_group,
       json_object('experiment', 'checkout_button', 'group', u.exp_group)::VARCHAR,
       json_object('userID', u.user_id, 'customIDs', json_object('stableID', u.device_id))::VARCHAR
FROM users u JOIN days d ON d.day_index = u.exposure_day_index;

-- Daily metrics per user: revenue (test group ~8% higher) and sessions (no effect).
INSERT INTO daily_metrics
SELECT u.user_id AS unit_id, 'user_id' AS id_type, d.ds, 'revenue' AS metric,
       round((${h('u.n * 31 + d.day_index', 29, 4000)} / 100.0) * CASE WHEN u.exp_group = 'test' THEN 1.08 ELSE 1.0 END, 2) AS value
FROM users u CROSS JOIN days d
WHERE ${h('u.n + d.day_index * 3', 37, 3)} <> 0
UNION ALL
SELECT u.user_id, 'user_id', d.ds, 'sessions', (1 + ${h('u.n * 7 + d.day_index', 41, 6)})::DOUBLE
FROM users u CROSS JOIN days d
WHERE ${h('u.n + d.day_index', 43, 4)} <> 0;

-- A ratio metric: checkout conversion (orders over checkout visits) per user and day.
INSERT INTO checkout_funnel
SELECT u.user_id AS unit_id, d.ds, 'checkout_conversion' AS metric,
       (${h('u.n * 5 + d.day_index', 47, 3)})::DOUBLE AS orders,
       (1 + ${h('u.n * 5 + d.day_index', 47, 3)} + ${h('u.n + d.day_index', 53, 3)})::DOUBLE AS checkouts
FROM users u CROSS JOIN days d
WHERE ${h('u.n * 11 + d.day_index', 59, 5)} = 0;

DROP TABLE users;
DROP TABLE days;
`;

/** Contract violations, one of each kind, on the demo's first days (see the top of this file). */
const PLANTED_SQL = `
INSERT INTO app_events VALUES
  ('bad-long-name', TIMESTAMP '2026-10-05 18:00:00', repeat('x', 130), NULL, '{}', '{"userID":"u00001"}'),
  ('bad-no-user-id', TIMESTAMP '2026-10-06 18:00:00', 'page_view', NULL, '{}', '{"email":"someone@example.com"}');
INSERT INTO daily_metrics VALUES ('acme-corp', 'company_id', DATE '2026-10-07', 'revenue', 1250.0);
INSERT INTO checkout_funnel VALUES ('u00002', DATE '2026-10-08', 'checkout_conversion', 1.0, NULL);
`;

/**
 * What ensureDemoDatabase did. It writes nothing when another process has the file open
 * (`busy`), when the file cannot be read (`unreadable`: the caller's open says why), or when
 * the file has no demo tables (`not-demo`).
 */
export type DemoUpdate = 'created' | 'extended' | 'current' | 'busy' | 'unreadable' | 'not-demo';

export interface DemoOptions {
  /** The day the demo's data is measured from (UTC); today when not given. */
  today?: string;
}

/**
 * Makes sure the demo database at `path` exists and holds at least DEMO_REFILL_DAYS days past
 * `today`: creates it, or extends it, to DEMO_DAYS_AHEAD days past `today`. Returns what it did.
 */
export async function ensureDemoDatabase(path: string, options: DemoOptions = {}): Promise<DemoUpdate> {
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const through = addDays(today, DEMO_DAYS_AHEAD);
  if (!existsSync(path)) {
    await createDemo(path, through);
    return 'created';
  }
  let last: string | null;
  try {
    last = await lastDemoDay(path);
  } catch (err) {
    if (isDuckDBFileLockError(err)) return 'busy';
    // The caller's own open of the file reports what is wrong with it, in the source's terms.
    return 'unreadable';
  }
  // A file without the demo's tables is not one Wharf made: it is never written to.
  if (last === null) return 'not-demo';
  if (last >= addDays(today, DEMO_REFILL_DAYS)) return 'current';
  return extendDemo(path, through);
}

/**
 * Written to a temporary file and renamed, so an interrupted generation never leaves a
 * half-made demo behind.
 */
async function createDemo(path: string, through: string): Promise<void> {
  const temp = `${path}.partial-${process.pid}`;
  rmSync(temp, { force: true });
  const db = await openDuckDB(temp);
  try {
    await db.connection.run(CREATE_TABLES + daysSql(DEMO_FIRST_DAY, through) + PLANTED_SQL);
    await db.connection.run('CHECKPOINT');
  } finally {
    db.close();
  }
  rmSync(`${temp}.wal`, { force: true });
  renameSync(temp, path);
}

/** The demo's last day (every day has revenue rows), or null for a file without the demo's tables. */
async function lastDemoDay(path: string): Promise<string | null> {
  const db = await openDuckDB(path, { access_mode: 'READ_ONLY' });
  try {
    return await lastDayOn(db.connection);
  } finally {
    db.close();
  }
}

async function lastDayOn(connection: DuckDBHandle['connection']): Promise<string | null> {
  const tables = readerRows<{ name: string }>(
    await connection.runAndReadAll(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE'",
    ),
  ).map((t) => t.name);
  if (!DEMO_TABLES.every((t) => tables.includes(t))) return null;
  const [row] = readerRows<{ last: string | null }>(
    await connection.runAndReadAll('SELECT CAST(max(ds) AS VARCHAR) AS last FROM daily_metrics'),
  );
  return row.last;
}

/**
 * Appends the days after the demo's last one through `through`, in one transaction (a failure
 * adds nothing). A file another process has open (an agent, say) is left as it is: that
 * process, or the next command after it, extends it.
 */
async function extendDemo(path: string, through: string): Promise<DemoUpdate> {
  let db;
  try {
    db = await openDuckDB(path);
  } catch (err) {
    if (isDuckDBFileLockError(err)) return 'busy';
    throw err;
  }
  try {
    // Read again under the write lock: another command may have extended it meanwhile.
    const last = await lastDayOn(db.connection);
    if (last === null) return 'not-demo';
    if (last >= through) return 'current';
    await db.connection.run('BEGIN TRANSACTION');
    await db.connection.run(daysSql(addDays(last, 1), through));
    await db.connection.run('COMMIT');
    await db.connection.run('CHECKPOINT');
    return 'extended';
  } finally {
    db.close();
  }
}
