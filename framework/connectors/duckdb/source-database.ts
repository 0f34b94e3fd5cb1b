/**
 * Opens the DuckDB source's database file read-only: directly, or — when the source names an
 * `encryptionKey` — by attaching the encrypted file to an in-memory instance with that key.
 * Every connection the connector takes comes from here, so an attached file is the default
 * catalog of each one.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DuckDBSource } from '../../config/types.js';
import { WharfError } from '../../diagnostics/errors.js';
import { redactSecrets, registerSecret } from '../../diagnostics/redact.js';
import { openDuckDB, type DuckDBHandle } from '../../util/duckdb.js';
import type { ConnectorContext } from '../types.js';

/** The catalog name an encrypted source file is attached as. */
const ATTACHED = 'wharf_source';

/** DuckDB's answers to a missing or wrong key. */
const KEY_REJECTED = /encryption key|encrypted database/i;

/** An open source database: connections whose default catalog is the source file. */
export interface SourceDatabase {
  connect(): Promise<DuckDBConnection>;
  close(): void;
}

function sqlText(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** The auth error for a key DuckDB refused (or a missing key), never showing the key. */
function keyRejected(config: DuckDBSource, err: unknown): WharfError {
  return new WharfError(redactSecrets(`Source '${config.name}' (duckdb): authentication failed: cannot open ${config.path}: ${(err as Error).message}`), {
    code: 'source.duckdb-key', errorClass: 'auth', transient: false, cause: err,
    hint: config.encryptionKey
      ? `Check that ${config.encryptionKey.env} holds the key the file was encrypted with.`
      : 'The file is encrypted: set `encryptionKey` in the source module to the environment variable holding its key.',
  });
}

async function attachEncrypted(path: string, key: string): Promise<SourceDatabase> {
  const handle = await openDuckDB(':memory:');
  try {
    await handle.connection.run(`ATTACH ${sqlText(path)} AS ${ATTACHED} (ENCRYPTION_KEY ${sqlText(key)}, READ_ONLY)`);
  } catch (err) {
    handle.close();
    throw err;
  }
  return {
    async connect() {
      const connection = await handle.instance.connect();
      await connection.run(`USE ${ATTACHED}`);
      return connection;
    },
    close: () => handle.close(),
  };
}

function direct(handle: DuckDBHandle): SourceDatabase {
  return { connect: () => handle.instance.connect(), close: () => handle.close() };
}

/** Opens `path` (already resolved against the project root) for the source `config`. */
export async function openSourceDatabase(path: string, config: DuckDBSource, context: ConnectorContext): Promise<SourceDatabase> {
  const key = config.encryptionKey ? context.resolveSecret(config.encryptionKey, `source ${config.name} encryptionKey`) : undefined;
  if (key !== undefined) registerSecret(key);
  try {
    return key === undefined ? direct(await openDuckDB(path, { access_mode: 'READ_ONLY' })) : await attachEncrypted(path, key);
  } catch (err) {
    if (KEY_REJECTED.test((err as Error).message)) throw keyRejected(config, err);
    throw err;
  }
}
