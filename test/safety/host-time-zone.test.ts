/**
 * The host's time zone never moves an event to another day. DuckDB takes the host's zone for
 * its session unless told otherwise: on a machine in New York a TIMESTAMPTZ column cast to
 * TIMESTAMP, or a zone-less text read as TIMESTAMPTZ, was New York wall time, compared with
 * the UTC bounds of the PST day, so a DuckDB source's events landed four hours off. Here the
 * real CLI backfills a DuckDB source under TZ=America/New_York into the DuckDB store, and each
 * event's stored day is checked against its PST day worked out from its UTC hour.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDuckDB } from '../../framework/util/duckdb.js';
import { readerRows } from '../../framework/util/duckdb-values.js';
import { runToEnd } from '../support/child-process.js';
import { tempDir } from '../support/engine-fixture.js';
import { REPO_ROOT } from '../support/example-project.js';

const HOURS = 72;
/** Event `e<i>` happens at 2026-10-01 00:00 UTC plus i hours. */
const instantOf = (i: number) => new Date(Date.UTC(2026, 9, 1, i));
/** The PST (UTC-8, all year) day of an instant, computed apart from Wharf's own day bounds. */
const pstDay = (t: Date) => new Date(t.getTime() - 8 * 3_600_000).toISOString().slice(0, 10);

let root: string;

const mapping = (name: string, timestamp: string) => `import { defineMapping } from '@wharf/framework';
export default defineMapping({
  name: '${name}', dataset: 'events', source: 'lake', sql: './${name}.sql', schedule: 'daily', startDate: '2026-09-30',
  columns: { timestamp: '${timestamp}', event_name: 'name', user: 'user_json', timeuuid: 'id' },
});
`;

beforeAll(async () => {
  root = tempDir('wharf-host-zone-');
  for (const dir of ['sources', 'mappings', 'schedules']) mkdirSync(join(root, dir));
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'));
  writeFileSync(join(root, 'package.json'), '{ "private": true, "type": "module" }\n');
  writeFileSync(
    join(root, 'wharf.config.ts'),
    `import { defineProject } from '@wharf/framework';
export default defineProject({ name: 'zone_test', store: { kind: 'duckdb', path: '.wharf/store.duckdb' }, timeZone: 'PST' });
`,
  );
  writeFileSync(
    join(root, 'sources/lake.ts'),
    `import { defineSource } from '@wharf/framework';
export default defineSource({ kind: 'duckdb', name: 'lake', path: 'lake.duckdb' });
`,
  );
  writeFileSync(
    join(root, 'schedules/daily.ts'),
    `import { defineSchedule } from '@wharf/framework';
export default defineSchedule({ kind: 'daily', name: 'daily', at: '09:00' });
`,
  );
  writeFileSync(join(root, 'mappings/typed.ts'), mapping('typed', 'ts'));
  writeFileSync(join(root, 'mappings/typed.sql'), 'SELECT id, ts, name, user_json FROM events\n');
  writeFileSync(join(root, 'mappings/text.ts'), mapping('text', 'ts_text'));
  writeFileSync(join(root, 'mappings/text.sql'), 'SELECT id, ts_text, name, user_json FROM events\n');

  const lake = await openDuckDB(join(root, 'lake.duckdb'));
  await lake.connection.run(
    `CREATE TABLE events AS
     SELECT 'e' || i AS id,
            TIMESTAMPTZ '2026-10-01 00:00:00+00' + to_hours(i) AS ts,
            strftime(TIMESTAMP '2026-10-01 00:00:00' + to_hours(i), '%Y-%m-%d %H:%M:%S') AS ts_text,
            'page_view' AS name, '{"userID":"u1"}' AS user_json
     FROM range(${HOURS}) r(i)`,
  );
  lake.close();
});

async function storedDays(ingestion: string): Promise<Map<string, string>> {
  const store = await openDuckDB(join(root, '.wharf/store.duckdb'), { access_mode: 'READ_ONLY' });
  try {
    const rows = readerRows<{ id: string; day: string }>(
      await store.connection.runAndReadAll(
        `SELECT timeuuid AS id, CAST(day AS VARCHAR) AS day FROM events WHERE ingestion = '${ingestion}'`,
      ),
    );
    return new Map(rows.map((r) => [r.id, r.day]));
  } finally {
    store.close();
  }
}

describe('a DuckDB source backfilled on a host in New York', () => {
  // Every event of the four PST days 2026-09-30 to 2026-10-03, each in its own day.
  const expected = new Map(Array.from({ length: HOURS }, (_, i) => [`e${i}`, pstDay(instantOf(i))]));

  it.each(['typed', 'text'])(
    'stores each event of the %s column in its PST day',
    { timeout: 120_000 },
    async (name) => {
      const run = await runToEnd(
        process.execPath,
        [join(REPO_ROOT, 'framework/bin/run.js'), 'backfill', name, '--from', '2026-09-30', '--to', '2026-10-03'],
        { cwd: root, env: { ...process.env, TZ: 'America/New_York', NO_COLOR: '1' } },
      );
      expect(run.stderr).toBe('');
      expect(run.code, run.stdout).toBe(0);
      expect(await storedDays(name)).toEqual(expected);
    },
  );
});
