/**
 * Builds what engine tests need without config files: a LoadedProject made in code, stores
 * of both kinds, and source databases (DuckDB file or PostgreSQL database) seeded with SQL.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { LoadedProject } from '../../framework/config/project.js';
import type { EventsMapping, SourceConfig } from '../../framework/config/types.js';
import { ConnectorPool, type ConnectorOpener } from '../../framework/engine/connector-pool.js';
import type { EngineContext } from '../../framework/engine/types.js';
import { openStore } from '../../framework/store/open-store.js';
import type { Store } from '../../framework/store/types.js';
import { openDuckDB } from '../../framework/util/duckdb.js';
import { createTestDatabase } from './postgres.js';
import { loadedMapping, makeProject } from './project-fixture.js';

export { loadedMapping, makeProject };

export function tempDir(prefix = 'wharf-engine-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export type StoreKind = 'duckdb' | 'postgres';

/** A fresh, migrated store of the given kind. */
export async function freshStore(kind: StoreKind): Promise<Store> {
  if (kind === 'duckdb') return openStore({ kind: 'duckdb', path: join(tempDir(), 'store.duckdb') }, '/');
  const variable = `WHARF_TEST_STORE_URL_${Math.random().toString(36).slice(2)}`.toUpperCase();
  process.env[variable] = await createTestDatabase('wharf_store');
  return openStore({ kind: 'postgres', url: { env: variable } }, '/');
}

export function engineContext(project: LoadedProject, store: Store, opener?: ConnectorOpener): EngineContext {
  return {
    project,
    store,
    connectors: new ConnectorPool(project, opener),
    trigger: 'manual',
    batchSize: 7,
    retry: { attempts: 3, baseDelayMs: 1 },
  };
}

export type SourceKind = 'duckdb' | 'postgres';

/** A source database seeded with `statements`, and the source config pointing at it. */
export async function seededSource(kind: SourceKind, statements: string[]): Promise<SourceConfig> {
  if (kind === 'duckdb') {
    const path = join(tempDir(), 'source.duckdb');
    const db = await openDuckDB(path);
    try {
      for (const s of statements) await db.connection.run(s);
    } finally {
      db.close();
    }
    return { kind: 'duckdb', name: 'src', path };
  }
  const url = await createTestDatabase('wharf_source');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const s of statements) await client.query(s);
  } finally {
    await client.end();
  }
  const variable = `WHARF_TEST_SOURCE_URL_${Math.random().toString(36).slice(2)}`.toUpperCase();
  process.env[variable] = url;
  return { kind: 'postgres', name: 'src', url: { env: variable } };
}

/** SQL literal of a JS value, for seeding. */
export function lit(v: string | number | null): string {
  if (v === null) return 'NULL';
  if (typeof v === 'number') return String(v);
  return `'${v.replace(/'/g, "''")}'`;
}

export function insertSql(table: string, rows: (string | number | null)[][]): string {
  return `INSERT INTO ${table} VALUES ${rows.map((r) => `(${r.map(lit).join(', ')})`).join(',\n')}`;
}

/**
 * A project of one daily events mapping `name` from `day` on, reading table `e` (`t`
 * timestamp, `n` event name, `usr` user JSON, `tu` timeuuid, in `i` order) of a DuckDB source
 * seeded with `seed`; and the context of loads into `store` on the columnar path, tried once.
 */
export async function plainEventsDay(
  name: string,
  day: string,
  seed: string[],
  store: Store,
): Promise<{ source: SourceConfig; ctx: EngineContext }> {
  const mapping: EventsMapping = {
    name,
    dataset: 'events',
    source: 'src',
    sql: './e.sql',
    schedule: 'daily',
    startDate: day,
    columns: { timestamp: 't', event_name: 'n', user: 'usr', timeuuid: 'tu' },
  };
  const source = await seededSource('duckdb', seed);
  const project = makeProject(
    tempDir(),
    [source],
    [loadedMapping(mapping, 'SELECT t, n, usr, tu FROM e ORDER BY i', 1)],
  );
  return { source, ctx: { ...engineContext(project, store), columnar: true, retry: { attempts: 1, baseDelayMs: 1 } } };
}
