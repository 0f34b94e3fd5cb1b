/**
 * Reads the markdown (or plan JSON) a GitHub command publishes: from a file, or from standard
 * input when the file is `-` or not given, so `ingest plan --format markdown | ingest comment` works.
 */
import { readFileSync } from 'node:fs';
import { WharfError } from '../diagnostics/errors.js';

/** The text of `file`, or of standard input for `-`/undefined; errors name the file. */
export function readTextInput(
  file: string | undefined,
  what: string,
  stdinIsTTY = Boolean(process.stdin.isTTY),
): string {
  if (file === undefined || file === '-') {
    if (file === undefined && stdinIsTTY) {
      throw new WharfError(`No ${what} given: pass --file <path>, or pipe it into standard input.`, {
        code: 'github.input-missing',
        errorClass: 'config',
        hint: 'For example: npx ingest plan --format markdown | npx ingest comment',
      });
    }
    return readFileSync(0, 'utf8');
  }
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new WharfError(`Cannot read the ${what} ${file}: ${(err as Error).message}`, {
      code: 'github.input-unreadable',
      errorClass: 'config',
      hint: 'Check the path given to --file.',
      cause: err,
    });
  }
}
