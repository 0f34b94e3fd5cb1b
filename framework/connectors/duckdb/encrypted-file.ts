/**
 * Opens a DuckDB-encrypted source file (DuckDB 1.4+ database encryption) read-only: the file
 * is attached to an in-memory instance with the key from the source's `encryptionKey`, and
 * every connection the connector takes starts in that attached catalog, so users' SQL names
 * tables exactly as in a plain file. A wrong key is an auth error that never shows the key.
 */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBSource } from '../../config/types.js';
import { registerSecret } from '../../diagnostics/redact.js';
import { openSourceDuckDB, type SourceDuckDB } from '../shared/source-duckdb.js';
import type { ConnectorContext } from '../types.js';
import { openError } from './errors.js';

/** The catalog name the encrypted file is attached as. */
const ATTACHED = 'wharf_source';

function sqlText(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** An instance whose connections start in the attached catalog (`USE`); all else is the real instance. */
function attachedInstance(instance: DuckDBInstance): DuckDBInstance {
  const connect = async (): Promise<DuckDBConnection> => {
    const connection = await instance.connect();
    await connection.run(`USE ${ATTACHED}`);
    return connection;
  };
  return Object.assign(Object.create(instance) as DuckDBInstance, { connect });
}

/** Opens the encrypted file at `path` (resolved against the project root) for source `config`. */
export async function openEncryptedDuckDB(
  path: string,
  config: DuckDBSource,
  context: ConnectorContext,
): Promise<SourceDuckDB> {
  const key = context.resolveSecret(config.encryptionKey!, `source ${config.name} encryptionKey`);
  registerSecret(key);
  const handle = await openSourceDuckDB(':memory:');
  try {
    await handle.connection.run(`ATTACH ${sqlText(path)} AS ${ATTACHED} (ENCRYPTION_KEY ${sqlText(key)}, READ_ONLY)`);
  } catch (err) {
    handle.close();
    throw openError(config, err);
  }
  return { ...handle, instance: attachedInstance(handle.instance) };
}
