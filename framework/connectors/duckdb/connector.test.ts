import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/engine-fixture.js';
import { openDuckDB } from '../../util/duckdb.js';
import type { Connector, DayFilter, QuerySpec } from '../types.js';
import { DuckDBConnector } from './connector.js';

const context = { projectRoot: '/', resolveSecret: () => '' };
const query = (sql: string): QuerySpec => ({
  mapping: 'daily',
  sqlFile: 'mappings/daily.sql',
  sql,
  dataset: 'metrics',
});
const day = (d: string): DayFilter => ({
  column: 'ds',
  columnType: 'date',
  day: d,
  fromUtc: new Date(0),
  toUtc: new Date(0),
});

async function database(statements: string[]): Promise<string> {
  const path = join(tempDir(), 'wh.duckdb');
  const db = await openDuckDB(path);
  for (const s of statements) await db.connection.run(s);
  db.close();
  return path;
}

describe('DuckDB source', () => {
  let connector: Connector | undefined;
  afterEach(async () => {
    await connector?.close();
    connector = undefined;
  });

  it('reports a missing database file as a connection error naming the source', async () => {
    const err = await DuckDBConnector.open(
      { kind: 'duckdb', name: 'local', path: join(tempDir(), 'none.duckdb') },
      context,
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ errorClass: 'connection', transient: false });
    expect((err as Error).message).toContain("duckdb source 'local'");
  });

  it('names the mapping and SQL file on a query error', async () => {
    connector = await DuckDBConnector.open(
      { kind: 'duckdb', name: 'local', path: await database(['CREATE TABLE t (ds DATE)']) },
      context,
    );
    const err = await connector.describe(query('SELECT nope FROM t;')).catch((e: unknown) => e);
    expect(err).toMatchObject({ errorClass: 'query' });
    expect((err as Error).message).toMatch(/mapping 'daily' \(mappings\/daily\.sql\).*nope/s);
  });

  it('filters a day, survives a trailing comment, and fingerprints content regardless of order', async () => {
    const path = await database([
      "CREATE TABLE a AS SELECT * FROM (VALUES (DATE '2026-10-01', 'x', 1), (DATE '2026-10-01', 'y', 2), (DATE '2026-10-02', 'z', 3)) v(ds, u, n)",
      'CREATE TABLE b AS SELECT * FROM a ORDER BY n DESC',
    ]);
    connector = await DuckDBConnector.open({ kind: 'duckdb', name: 'local', path }, context);
    const rows: unknown[] = [];
    for await (const batch of connector.streamDay(query('SELECT * FROM a -- all of it'), day('2026-10-01'), {
      batchSize: 1,
    }))
      rows.push(batch);
    expect(rows).toEqual([[{ ds: '2026-10-01', u: 'x', n: 1 }], [{ ds: '2026-10-01', u: 'y', n: 2 }]]);
    const [a] = await connector.dayStats(query('SELECT * FROM a'), [day('2026-10-01')]);
    const [b] = await connector.dayStats(query('SELECT * FROM b'), [day('2026-10-01')]);
    const [other] = await connector.dayStats(query('SELECT * FROM a'), [day('2026-10-02')]);
    expect(a).toMatchObject({ rowCount: 2 });
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(other.fingerprint).not.toBe(a.fingerprint);
    expect(await connector.hasData(query('SELECT * FROM a'), day('2026-10-03'))).toBe(false);
  });
});
