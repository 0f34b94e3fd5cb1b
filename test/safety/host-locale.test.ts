/**
 * The host's locale changes nothing Wharf stores. Orders used to be a bare localeCompare, the
 * host's collation (LC_ALL, LANG): Czech collates "ch" after "h", Danish "aa" after "z".
 * - A mapping's config hash, stored in the ledger with every loaded day, is taken over its
 *   settings with keys in that order: the customIDs `chargeID` and `hostID` hashed apart under
 *   Czech, and a backfill there loaded again every day an English host had loaded.
 * - An S3 day's files are read in key order, and the first row of a repeated timeuuid is kept:
 *   under Danish `b.parquet` came before `aa.parquet`, and another row was kept.
 * Here the real CLI runs on a C-locale host and under Czech and Danish locales.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDB } from '../../framework/util/duckdb.js';
import { readerRows } from '../../framework/util/duckdb-values.js';
import { cliProject, ingestIn, type CliProject } from '../support/cli-project.js';
import { parquetFromSql } from '../support/parquet.js';
import { S3_TEST_CREDENTIALS, startS3Server, type S3TestServer } from '../support/s3-server.js';

const RANGE = ['--from', '2026-10-01', '--to', '2026-10-03'];
const STORE = "{ kind: 'duckdb', path: '.wharf/store.duckdb' }";

const withLocale = (project: CliProject, locale: string): CliProject => ({
  ...project,
  env: { ...project.env, LC_ALL: locale, LANG: locale },
});

/** Rows of the project's DuckDB store. */
async function storeRows<T>(project: CliProject, sql: string): Promise<T[]> {
  const store = await openDuckDB(join(project.root, '.wharf/store.duckdb'), { access_mode: 'READ_ONLY' });
  try {
    return readerRows<T>(await store.connection.runAndReadAll(sql));
  } finally {
    store.close();
  }
}

describe('days loaded on an English host, backfilled again under another locale', () => {
  let project: CliProject;

  beforeAll(async () => {
    project = cliProject({
      store: STORE,
      source: "{ kind: 'duckdb', name: 'src', path: 'lake.duckdb' }",
      mapping: {
        name: 'ids',
        dataset: 'events',
        source: 'src',
        sql: './ids.sql',
        schedule: 'daily',
        startDate: '2026-10-01',
        columns: {
          timestamp: 'ts',
          event_name: 'name',
          userID: 'uid',
          customIDs: { hostID: 'host_id', chargeID: 'charge_id' },
          timeuuid: 'id',
        },
      },
      sql: 'SELECT id, ts, name, uid, host_id, charge_id FROM events',
      env: {},
    });
    const lake = await openDuckDB(join(project.root, 'lake.duckdb'));
    await lake.connection.run(
      `CREATE TABLE events AS
       SELECT 'e' || i AS id, TIMESTAMP '2026-10-01 08:00:00' + to_hours(i) AS ts, 'page_view' AS name,
              'u' || (i % 7) AS uid, 'h' || (i % 3) AS host_id, 'c' || (i % 5) AS charge_id
       FROM range(72) r(i)`,
    );
    lake.close();
  });

  /** Every load attempt the store recorded, as `date loadId`. */
  const attempts = async () =>
    (
      await storeRows<{ a: string }>(
        project,
        `SELECT CAST("date" AS VARCHAR) || ' ' || load_id AS a FROM attempts ORDER BY "date", load_id`,
      )
    ).map((r) => r.a);

  it('are found already loaded, and nothing is loaded again', { timeout: 120_000 }, async () => {
    const first = await ingestIn(withLocale(project, 'C.UTF-8'), ['backfill', 'ids', ...RANGE]);
    expect(first.code, first.out).toBe(0);
    expect(first.out).toContain('3 succeeded, 0 no data, 0 failed, 0 already loaded');
    const loaded = await attempts();
    expect(loaded).toHaveLength(3);

    for (const locale of ['cs_CZ.UTF-8', 'da_DK.UTF-8']) {
      const again = await ingestIn(withLocale(project, locale), ['backfill', 'ids', ...RANGE]);
      expect(again.code, again.out).toBe(0);
      expect(again.out, locale).toContain('0 succeeded, 0 no data, 0 failed, 3 already loaded');
      expect(await attempts(), locale).toEqual(loaded);
    }
  });
});

describe('an S3 day whose files repeat a timeuuid, loaded under each locale', () => {
  let server: S3TestServer;
  let project: CliProject;

  /** One event `e1` on 2026-10-01 (PST) whose user is its file's name. */
  const file = (name: string) =>
    parquetFromSql(
      `SELECT TIMESTAMP '2026-10-01 12:00:00' AS ts, 'click' AS event_name, '{"userID":"${name}"}' AS user_json,
              'e1' AS event_id`,
    );

  beforeAll(async () => {
    server = await startS3Server();
    await server.createBucket('lake');
    await server.put('lake', 'events/2026-10-01/aa.parquet', await file('aa'));
    await server.put('lake', 'events/2026-10-01/b.parquet', await file('b'));
    project = cliProject({
      store: STORE,
      source: `{ kind: 's3', name: 'src', region: 'us-east-1', bucket: 'lake', endpoint: '${server.endpoint}',
        forcePathStyle: true, accessKeyId: env('S3_KEY'), secretAccessKey: env('S3_SECRET') }`,
      mapping: {
        name: 'clicks',
        dataset: 'events',
        source: 'src',
        sql: './clicks.sql',
        schedule: 'daily',
        startDate: '2026-10-01',
        columns: { timestamp: 'ts', event_name: 'event_name', user: 'user_json', timeuuid: 'event_id' },
      },
      sql: 'SELECT * FROM source',
      env: {
        S3_KEY: S3_TEST_CREDENTIALS.accessKeyId,
        S3_SECRET: S3_TEST_CREDENTIALS.secretAccessKey,
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    });
  });
  afterAll(() => server?.stop());

  it.each(['C.UTF-8', 'da_DK.UTF-8'])(
    'keeps the row of the file whose key comes first in English order, under %s',
    { timeout: 120_000 },
    async (locale) => {
      const run = await ingestIn(withLocale(project, locale), [
        'backfill',
        'clicks',
        '--from',
        '2026-10-01',
        '--to',
        '2026-10-01',
        '--force',
      ]);
      expect(run.code, run.out).toBe(0);
      expect(run.out).toContain('1 row loaded, 0 rejected, 1 duplicate timeuuid row dropped');
      const rows = await storeRows<{ user: string }>(project, 'SELECT "user" FROM events');
      expect(rows).toEqual([{ user: '{"userID":"aa"}' }]);
    },
  );
});
