/**
 * DuckDB lets one process at a time open a store file; a second gets an I/O error from DuckDB
 * itself. So that error can say who holds the file, the holder writes a small sidecar file
 * (`<store>.lock-info.json`) while it has the store open.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { LockInfo } from './lock.js';

/** The sidecar next to a DuckDB store file. */
export function lockInfoPath(storePath: string): string {
  return `${storePath}.lock-info.json`;
}

/** True for DuckDB's "another process holds this file" error. */
export function isDuckDBFileLockError(err: unknown): boolean {
  return err instanceof Error && /Could not set lock on file/i.test(err.message);
}

/** Records this process as the file's holder. */
export function writeLockInfo(storePath: string, info: LockInfo): void {
  writeFileSync(lockInfoPath(storePath), `${JSON.stringify(info, null, 2)}\n`);
}

/** Removes the sidecar if it is still this holder's. */
export function clearLockInfo(storePath: string, id: string): void {
  const current = readLockInfo(storePath);
  if (current?.id === id) rmSync(lockInfoPath(storePath), { force: true });
}

export function readLockInfo(storePath: string): LockInfo | null {
  const path = lockInfoPath(storePath);
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
  } catch {
    return null;
  }
}

/** Who holds the file: the sidecar when it matches the PID DuckDB names, else what DuckDB says. */
export function holderOfFile(storePath: string, err: Error): LockInfo {
  const pid = Number(/PID (\d+)/.exec(err.message)?.[1] ?? NaN);
  const info = readLockInfo(storePath);
  if (info && (Number.isNaN(pid) || info.pid === pid)) return info;
  return { id: 'unknown', host: hostname(), pid: Number.isNaN(pid) ? 0 : pid, since: 'an unknown time', operation: 'another process' };
}
