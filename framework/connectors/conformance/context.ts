/** A ConnectorContext for tests whose secrets come from a map instead of the process env. */
import { WharfError } from '../../diagnostics/errors.js';
import type { ConnectorContext } from '../types.js';

/** A context resolving `{ env }` references from `secrets`, with a config error for unknown names. */
export function testContext(secrets: Record<string, string>, projectRoot = process.cwd()): ConnectorContext {
  return {
    projectRoot,
    resolveSecret(ref, field) {
      const value = secrets[ref.env];
      if (value === undefined) {
        throw new WharfError(`Environment variable ${ref.env} (for ${field}) is not set.`, {
          code: 'config.env-missing',
          errorClass: 'config',
        });
      }
      return value;
    },
  };
}
