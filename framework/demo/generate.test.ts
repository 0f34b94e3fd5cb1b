import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { openDuckDB } from '../util/duckdb.js';
import { readerRows } from '../util/duckdb-values.js';
import { ensureDemoDatabase } from './generate.js';

const TABLES = ['app_events', 'daily_metrics', 'checkout_funnel'] as const;

/**
 * The demo's rows of 2026-10-01 to 2026-12-31 as the generator made them before its days could
 * be extended (reviewed once): rows and an MD5 of them in a fixed order. The experiment goldens
 * and the example's expected rejects rest on these rows.
 */
const FIRST_WINDOW = {
  app_events: {
    rows: 278011,
    md5: '61aaa7a77ac921c5c22777918367ef13',
    sql: `SELECT count(*)::INT AS rows, md5(string_agg(concat_ws('|', event_id, event_time, event, value, properties, user_json), chr(10) ORDER BY event_id)) AS md5
          FROM app_events WHERE event_time < TIMESTAMP '2027-01-01 08:00:00'`,
  },
  daily_metrics: {
    rows: 258923,
    md5: 'c3d6ccc7e5b806ee255ecdad6a33f082',
    sql: `SELECT count(*)::INT AS rows, md5(string_agg(concat_ws('|', unit_id, id_type, ds, metric, value), chr(10) ORDER BY unit_id, ds, metric)) AS md5
          FROM daily_metrics WHERE ds <= DATE '2026-12-31'`,
  },
  checkout_funnel: {
    rows: 36891,
    md5: 'e14d5b33e550026b17ccc72843f430a0',
    sql: `SELECT count(*)::INT AS rows, md5(string_agg(concat_ws('|', unit_id, ds, metric, orders, checkouts), chr(10) ORDER BY unit_id, ds)) AS md5
          FROM checkout_funnel WHERE ds <= DATE '2026-12-31'`,
  },
};

async function query<T>(path: string, sql: string): Promise<T[]> {
  const db = await openDuckDB(path, { access_mode: 'READ_ONLY' });
  try {
    return readerRows<T>(await db.connection.runAndReadAll(sql));
  } finally {
    db.close();
  }
}

const firstWindow = async (path: string) =>
  Object.fromEntries(
    await Promise.all(
      TABLES.map(async (t) => [t, (await query<{ rows: number; md5: string }>(path, FIRST_WINDOW[t].sql))[0]] as const),
    ),
  );

const expectedFirstWindow = Object.fromEntries(
  TABLES.map((t) => [t, { rows: FIRST_WINDOW[t].rows, md5: FIRST_WINDOW[t].md5 }]),
);

/** Days with metric rows, and the first and last of them. */
const metricDays = async (path: string) =>
  (
    await query<{ days: number; first: string; last: string }>(
      path,
      'SELECT count(DISTINCT ds)::INT AS days, CAST(min(ds) AS VARCHAR) AS first, CAST(max(ds) AS VARCHAR) AS last FROM daily_metrics',
    )
  )[0];

/** Rows in one file's table and not the other's (both ways, duplicates counted). */
async function differingRows(a: string, b: string, table: string): Promise<number> {
  const [row] = await query<{ n: number }>(
    a,
    `ATTACH '${b}' AS other (READ_ONLY);
     SELECT (SELECT count(*) FROM (SELECT * FROM ${table} EXCEPT ALL SELECT * FROM other.${table}))::INT
          + (SELECT count(*) FROM (SELECT * FROM other.${table} EXCEPT ALL SELECT * FROM ${table}))::INT AS n`,
  );
  return row.n;
}

let holder: ChildProcess | undefined;
afterEach(() => {
  holder?.kill();
  holder = undefined;
});

/** Another process with the file open for writing, as an agent or a second command would have it. */
async function holdFile(path: string, access: 'READ_ONLY' | 'READ_WRITE'): Promise<ChildProcess> {
  const duckdb = createRequire(import.meta.url).resolve('@duckdb/node-api');
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { DuckDBInstance } = await import(${JSON.stringify(duckdb)});
       const db = await DuckDBInstance.create(${JSON.stringify(path)}, { access_mode: '${access}', autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
       await db.connect();
       console.log('ready');
       process.stdin.once('data', () => process.exit(0));`,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) =>
      line === 'ready' ? resolve() : reject(new Error(line)),
    );
    child.once('exit', (code) => reject(new Error(`the holding process exited (${code})`)));
  });
  return child;
}

describe('the demo warehouse', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-demo-window-'));

  it('made on a day holds 2026-10-01 to 60 days past it, with the first window as it always was', async () => {
    const path = join(dir, 'made-2026-11-01.duckdb');
    expect(await ensureDemoDatabase(path, { today: '2026-11-01' })).toBe('created');
    expect(await metricDays(path)).toEqual({ days: 92, first: '2026-10-01', last: '2026-12-31' });
    expect(await firstWindow(path)).toEqual(expectedFirstWindow);
  });

  it('is extended once fewer than 30 days are left, to what a demo made that day holds', async () => {
    const path = join(dir, 'extended.duckdb');
    await ensureDemoDatabase(path, { today: '2026-11-01' });
    // 2026-12-31 is 30 days past 2026-12-01: enough left.
    expect(await ensureDemoDatabase(path, { today: '2026-12-01' })).toBe('current');
    expect((await metricDays(path)).last).toBe('2026-12-31');

    expect(await ensureDemoDatabase(path, { today: '2026-12-02' })).toBe('extended');
    expect(await metricDays(path)).toEqual({ days: 123, first: '2026-10-01', last: '2027-01-31' });
    expect(await firstWindow(path)).toEqual(expectedFirstWindow);

    const fresh = join(dir, 'made-2026-12-02.duckdb');
    await ensureDemoDatabase(fresh, { today: '2026-12-02' });
    for (const table of TABLES) expect(await differingRows(path, fresh, table), table).toBe(0);
    // The new days have rows of every kind, not only the tables' bare days.
    const [late] = await query<{ events: number; funnel: number }>(
      path,
      `SELECT (SELECT count(*) FROM app_events WHERE event_time >= TIMESTAMP '2027-01-01 08:00:00')::INT AS events,
              (SELECT count(*) FROM checkout_funnel WHERE ds > DATE '2026-12-31')::INT AS funnel`,
    );
    expect(late.events).toBeGreaterThan(31 * 2000);
    expect(late.funnel).toBeGreaterThan(0);
  });

  it.each(['READ_ONLY', 'READ_WRITE'] as const)(
    'is left as it is while another process has it open (%s), and extended once it is free',
    async (access) => {
      const path = join(dir, `held-${access}.duckdb`);
      await ensureDemoDatabase(path, { today: '2026-11-01' });
      holder = await holdFile(path, access);
      expect(await ensureDemoDatabase(path, { today: '2027-03-01' })).toBe('busy');
      holder.stdin!.write('done\n');
      await new Promise((r) => holder!.once('exit', r));
      expect((await metricDays(path)).last).toBe('2026-12-31');
      expect(await ensureDemoDatabase(path, { today: '2027-03-01' })).toBe('extended');
      expect(await metricDays(path)).toEqual({ days: 212, first: '2026-10-01', last: '2027-04-30' });
    },
  );

  it('never writes to a file at the path that is not a demo Wharf made', async () => {
    const own = join(dir, 'own.duckdb');
    const db = await openDuckDB(own);
    await db.connection.run("CREATE TABLE daily_metrics AS SELECT DATE '2026-10-01' AS ds");
    db.close();
    const before = readFileSync(own);
    expect(await ensureDemoDatabase(own, { today: '2027-03-01' })).toBe('not-demo');
    expect(readFileSync(own).equals(before)).toBe(true);

    const text = join(dir, 'notes.duckdb');
    writeFileSync(text, 'not a database\n');
    expect(await ensureDemoDatabase(text, { today: '2027-03-01' })).toBe('unreadable');
    expect(readFileSync(text, 'utf8')).toBe('not a database\n');
  });
});
