/**
 * DuckDB lets one process at a time open a store file; a second gets an I/O error from DuckDB
 * itself. So that error can say who holds the file, every process that opens the store writes
 * a small sidecar file (`<store>.lock-info.json`) while it has it open, and a refused open
 * becomes a StoreFileLockedError naming the file and that holder.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { hostname } from 'node:os';
import { WharfError } from '../../diagnostics/errors.js';

/** Who has a store file open (the same shape as the apply lock's holder). */
export interface FileHolder {
  id: string;
  host: string;
  pid: number;
  /** ISO time the file was opened, or 'an unknown time'. */
  since: string;
  operation: string;
}

/** The sidecar next to a DuckDB store file. */
export function lockInfoPath(storePath: string): string {
  return `${storePath}.lock-info.json`;
}

export function newFileHolder(operation: string): FileHolder {
  return { id: randomUUID(), host: hostname(), pid: process.pid, since: new Date().toISOString(), operation };
}

/** Records this process as the file's holder. */
export function writeLockInfo(storePath: string, info: FileHolder): void {
  writeFileSync(lockInfoPath(storePath), `${JSON.stringify(info, null, 2)}\n`);
}

/** Removes the sidecar if it is still this holder's. */
export function clearLockInfo(storePath: string, id: string): void {
  const current = readLockInfo(storePath);
  if (current?.id === id) rmSync(lockInfoPath(storePath), { force: true });
}

export function readLockInfo(storePath: string): FileHolder | null {
  const path = lockInfoPath(storePath);
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as FileHolder;
  } catch {
    return null;
  }
}

/** Who holds the file: the sidecar when it matches the PID DuckDB names, else the PID and program DuckDB names. */
export function holderOfFile(storePath: string, err: Error): FileHolder {
  const named = /held in (.+?) \(PID (\d+)\)/.exec(err.message);
  const pid = Number(named?.[2] ?? /PID (\d+)/.exec(err.message)?.[1] ?? NaN);
  const info = readLockInfo(storePath);
  if (info && (Number.isNaN(pid) || info.pid === pid)) return info;
  const program = named?.[1] ? basename(named[1]) : 'another process';
  return {
    id: 'unknown',
    host: hostname(),
    pid: Number.isNaN(pid) ? 0 : pid,
    since: 'an unknown time',
    operation: program,
  };
}

/** A DuckDB store file another process has open. */
export class StoreFileLockedError extends WharfError {
  constructor(
    readonly storePath: string,
    readonly holder: FileHolder,
  ) {
    const who = holder.pid ? `${holder.operation} (host ${holder.host}, pid ${holder.pid})` : holder.operation;
    const since = holder.since === 'an unknown time' ? '' : ` since ${holder.since}`;
    super(
      `The DuckDB store file ${storePath} is in use by ${who}${since}; DuckDB lets one process at a time open it.`,
      {
        code: 'store.file-locked',
        errorClass: 'state',
        transient: true,
        hint: 'Wait for that process to finish and run the command again, or stop it. To run several processes (CLI and agent) on one store, use the PostgreSQL store.',
        details: { holder, storePath },
      },
    );
  }
}
