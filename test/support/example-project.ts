/**
 * Temporary copies of the example configuration in this repository, for tests that change
 * config files. The copy links this repository's node_modules so '@wharf/framework' resolves.
 */
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
const EXAMPLE_ENTRIES = [
  'wharf.config.ts',
  'sources',
  'mappings',
  'schedules',
  'experiments',
  'package.json',
  'tsconfig.json',
];

export function copyExampleProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-project-'));
  for (const entry of EXAMPLE_ENTRIES) {
    try {
      cpSync(join(REPO_ROOT, entry), join(dir, entry), { recursive: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** Rewrites a file of a project copy with `edit`, failing loudly when the edit changed nothing. */
export function editFile(projectDir: string, file: string, edit: (text: string) => string): void {
  const path = join(projectDir, file);
  const before = readFileSync(path, 'utf8');
  const after = edit(before);
  if (after === before) throw new Error(`editing ${file} changed nothing; the test's search text is out of date`);
  writeFileSync(path, after);
}
