/**
 * Brings a store to the current format version, one version at a time, each step in its own
 * transaction together with the version bump. A store written by a newer Wharf is refused
 * rather than guessed at.
 */
import { internalError, WharfError } from '../diagnostics/errors.js';
import { META_DDL, MIGRATIONS, type Dialect } from './ddl.js';
import { STORE_FORMAT_VERSION } from './schema.js';
import { lockSchema, runDdl } from './ddl-lock.js';
import type { SqlExecutor, StoreConnection } from './types.js';

/** The store's format version; 0 for a store without Wharf's tables yet. */
export async function storeFormatVersion(connection: StoreConnection): Promise<number> {
  await runDdl(connection, [META_DDL]);
  return readVersion(connection);
}

async function readVersion(db: SqlExecutor): Promise<number> {
  const rows = await db.query<{ value: string }>("SELECT value FROM wharf_meta WHERE key = 'format_version'");
  return rows.length ? Number(rows[0].value) : 0;
}

export async function migrateStore(connection: StoreConnection, dialect: Dialect): Promise<number> {
  if (MIGRATIONS.length !== STORE_FORMAT_VERSION) throw internalError('MIGRATIONS and STORE_FORMAT_VERSION disagree');
  let version = await storeFormatVersion(connection);
  if (version > STORE_FORMAT_VERSION) {
    throw new WharfError(
      `The store has format version ${version}, newer than this Wharf understands (${STORE_FORMAT_VERSION}).`,
      {
        code: 'store.newer-format',
        errorClass: 'state',
        hint: 'Upgrade @wharf/framework to the version that wrote this store.',
      },
    );
  }
  while (version < STORE_FORMAT_VERSION) {
    const next = version + 1;
    await connection.transaction(async (tx) => {
      await lockSchema(connection, tx);
      // Another process may have migrated while this one waited for the lock.
      if ((await readVersion(tx)) >= next) return;
      for (const statement of MIGRATIONS[version](dialect)) await tx.exec(statement);
      await tx.query("DELETE FROM wharf_meta WHERE key = 'format_version'");
      await tx.query("INSERT INTO wharf_meta (key, value) VALUES ('format_version', $1)", [String(next)]);
    });
    version = next;
  }
  return version;
}
