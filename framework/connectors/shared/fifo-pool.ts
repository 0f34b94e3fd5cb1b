/**
 * The named pipes the pipe exports write through, made once and used again. Node has no
 * mkfifo, so each pipe is made by the `mkfifo` program: a fork of the whole process, on
 * Node's main thread, which took about 22 ms an export in a backfill of the demo's small
 * days (910 of the main thread's 3,100 ms over 41 days) and grows with the process's memory.
 * A pipe whose export succeeded has both ends closed and no bytes left in it, so the next
 * export takes it; one whose export failed is removed instead, in case an end is still open.
 * The folder holding them is removed when the process exits.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

let folder: string | null = null;
let made = 0;
const idle: string[] = [];

function pipesFolder(): string {
  if (folder === null) {
    const dir = mkdtempSync(join(tmpdir(), 'wharf-export-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    folder = dir;
  }
  return folder;
}

async function makePipe(): Promise<string> {
  const fifo = join(pipesFolder(), `rows-${made++}`);
  await promisify(execFile)('mkfifo', [fifo]);
  return fifo;
}

/** Runs `use` with a named pipe of its own; keeps the pipe for the next export, or removes it when `use` failed. */
export async function withPipe<T>(use: (fifo: string) => Promise<T>): Promise<T> {
  const fifo = idle.pop() ?? (await makePipe());
  let succeeded = false;
  try {
    const result = await use(fifo);
    succeeded = true;
    return result;
  } finally {
    if (succeeded) idle.push(fifo);
    else await rm(fifo, { force: true });
  }
}
