/**
 * The demo warehouse: a DuckDB file of synthetic product data, generated deterministically
 * (no randomness, only arithmetic hashes of ids and days) the first time the demo source is
 * used. It covers DEMO_FIRST_DAY to DEMO_LAST_DAY for DEMO_USERS users, and plants one row
 * of each kind the seed contract rejects, so a first run shows what rejects look like:
 *   - an event name of 130 characters                       (on 2026-10-05)
 *   - a user JSON with neither userID nor customIDs          (on 2026-10-06)
 *   - a metric row whose id type is not declared             (on 2026-10-07)
 *   - a ratio metric row with a null denominator             (on 2026-10-08)
 * Users are split 50/50 into the `checkout_button` experiment's control and test groups
 * (exposure events); test users' revenue is about 8% higher, their sessions are unchanged.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { openDuckDB } from '../util/duckdb.js';

export const DEMO_FIRST_DAY = '2026-10-01';
export const DEMO_LAST_DAY = '2026-12-31';
export const DEMO_USERS = 2000;

/**
 * Pseudo-random integer in [0, mod) from an integer expression: Knuth's multiplicative hash,
 * keeping the well-mixed upper 16 of 32 bits. Plain arithmetic, so deterministic everywhere.
 */
const h = (expr: string, salt: number, mod: number) =>
  `(((((${expr}) + ${salt} * 40503) * 2654435761) % 4294967296) // 65536 % ${mod})`;

const DEMO_SQL = `
CREATE TABLE users AS
SELECT i AS n,
       printf('u%05d', i) AS user_id,
       printf('d%08x', (i * 2654435761) % 4294967296) AS device_id,
       CASE WHEN ${h('i', 7, 2)} = 0 THEN 'control' ELSE 'test' END AS exp_group,
       ${h('i', 11, 14)} AS exposure_day_index
FROM range(1, ${DEMO_USERS} + 1) t(i);

CREATE TABLE days AS
SELECT d::DATE AS ds, (d::DATE - DATE '${DEMO_FIRST_DAY}') AS day_index
FROM range(DATE '${DEMO_FIRST_DAY}', DATE '${DEMO_LAST_DAY}' + INTERVAL 1 DAY, INTERVAL 1 DAY) t(d);

-- Events: 0-3 per user and day, at times spread over the PST day (08:00 UTC to 08:00 UTC).
CREATE TABLE app_events AS
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

-- Planted contract violations.
INSERT INTO app_events VALUES
  ('bad-long-name', TIMESTAMP '2026-10-05 18:00:00', repeat('x', 130), NULL, '{}', '{"userID":"u00001"}'),
  ('bad-no-user-id', TIMESTAMP '2026-10-06 18:00:00', 'page_view', NULL, '{}', '{"email":"someone@example.com"}');

-- Daily metrics per user: revenue (test group ~8% higher) and sessions (no effect).
CREATE TABLE daily_metrics AS
SELECT u.user_id AS unit_id, 'user_id' AS id_type, d.ds, 'revenue' AS metric,
       round((${h('u.n * 31 + d.day_index', 29, 4000)} / 100.0) * CASE WHEN u.exp_group = 'test' THEN 1.08 ELSE 1.0 END, 2) AS value
FROM users u CROSS JOIN days d
WHERE ${h('u.n + d.day_index * 3', 37, 3)} <> 0
UNION ALL
SELECT u.user_id, 'user_id', d.ds, 'sessions', (1 + ${h('u.n * 7 + d.day_index', 41, 6)})::DOUBLE
FROM users u CROSS JOIN days d
WHERE ${h('u.n + d.day_index', 43, 4)} <> 0
UNION ALL
SELECT 'acme-corp', 'company_id', DATE '2026-10-07', 'revenue', 1250.0;

-- A ratio metric: checkout conversion (orders over checkout visits) per user and day.
CREATE TABLE checkout_funnel AS
SELECT u.user_id AS unit_id, d.ds, 'checkout_conversion' AS metric,
       (${h('u.n * 5 + d.day_index', 47, 3)})::DOUBLE AS orders,
       (1 + ${h('u.n * 5 + d.day_index', 47, 3)} + ${h('u.n + d.day_index', 53, 3)})::DOUBLE AS checkouts
FROM users u CROSS JOIN days d
WHERE ${h('u.n * 11 + d.day_index', 59, 5)} = 0
UNION ALL
SELECT 'u00002', DATE '2026-10-08', 'checkout_conversion', 1.0, NULL;

DROP TABLE users;
DROP TABLE days;
`;

/**
 * Creates the demo database at `path` unless it already exists. Written to a temporary file
 * and renamed, so an interrupted generation never leaves a half-made demo behind.
 */
export async function ensureDemoDatabase(path: string): Promise<boolean> {
  if (existsSync(path)) return false;
  const temp = `${path}.partial-${process.pid}`;
  rmSync(temp, { force: true });
  const db = await openDuckDB(temp);
  try {
    await db.connection.run(DEMO_SQL);
    await db.connection.run('CHECKPOINT');
  } finally {
    db.close();
  }
  rmSync(`${temp}.wal`, { force: true });
  renameSync(temp, path);
  return true;
}
