/**
 * DuckDB failures → WharfError (worded by shared/errors.ts): a missing or unreadable file is a
 * connection error, a rejected encryption key an auth error, anything a query raises a query
 * error. None is transient (a local file does not get better by waiting) but a query out of
 * the source's memory cap, which the source's concurrent loads share.
 */
import type { DuckDBSource } from '../../config/types.js';
import { WharfError } from '../../diagnostics/errors.js';
import { connectorError } from '../shared/errors.js';
import { sourceOutOfMemory } from '../shared/source-duckdb.js';
import type { QuerySpec } from '../types.js';

/** DuckDB's answers to a wrong key. */
const KEY_REJECTED = /encryption key|encrypted database/i;

export function missingFileError(config: DuckDBSource): WharfError {
  return connectorError(
    { kind: 'duckdb', sourceName: config.name },
    {
      errorClass: 'connection',
      transient: false,
      code: 'source.duckdb-missing',
      message: `the database file ${config.path} does not exist`,
      hint: "Fix `path` in the source module, or set `generate: 'demo'` to create the demo warehouse there.",
    },
  );
}

/** The open failure; a rejected key (of an encrypted file) is an auth error. */
export function openError(config: DuckDBSource, err: unknown): WharfError {
  const rejected = config.encryptionKey !== undefined && KEY_REJECTED.test((err as Error).message);
  return connectorError(
    { kind: 'duckdb', sourceName: config.name },
    {
      errorClass: rejected ? 'auth' : 'connection',
      transient: false,
      code: rejected ? 'source.duckdb-key' : 'source.duckdb-open',
      message: `cannot open ${config.path}: ${(err as Error).message}`,
      hint: rejected
        ? `Check that ${config.encryptionKey?.env ?? 'the encryptionKey variable'} holds the key the file was encrypted with.`
        : undefined,
      cause: err,
    },
  );
}

/** A failure while running `query` (or the signal query, without one). */
export function queryError(sourceName: string, query: QuerySpec | undefined, err: unknown): WharfError {
  if (err instanceof WharfError) return err;
  const site = { kind: 'duckdb', sourceName, query };
  return (
    sourceOutOfMemory(site, err) ??
    connectorError(site, {
      errorClass: 'query',
      transient: false,
      code: 'query.failed',
      message: (err as Error).message,
      cause: err,
    })
  );
}
