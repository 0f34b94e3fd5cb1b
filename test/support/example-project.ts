/**
 * Temporary copies of the example configuration in this repository, for tests that change
 * config files or apply it. A copy links this repository's node_modules so '@wharf/framework'
 * resolves.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadProject } from '../../framework/config/loader.js';
import type { LoadedProject } from '../../framework/config/project.js';
import { addDays, latestCompleteDay, zoneOrThrow } from '../../framework/util/time.js';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
const CONFIG_ENTRIES = ['wharf.config.ts', 'sources', 'mappings', 'schedules'];

/** The whole example: its config, experiments, package.json and tsconfig.json. */
export function copyExampleProject(): string {
  return copyEntries([...CONFIG_ENTRIES, 'experiments', 'package.json', 'tsconfig.json']);
}

/** The example's config without its experiments, as a plain ES module package. */
export function tempExampleProject(): string {
  const dir = copyEntries(CONFIG_ENTRIES);
  writeFileSync(join(dir, 'package.json'), '{ "private": true, "type": "module" }\n');
  return dir;
}

function copyEntries(entries: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-project-'));
  for (const entry of entries) {
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

/** The start date of a mapping that holds `days` complete days today in the example's zone (PST). */
export function recentStartDate(days: number): string {
  return addDays(latestCompleteDay(new Date(), zoneOrThrow('PST')), -(days - 1));
}

/**
 * Moves the start of every mapping of a project copy to `days` days before the latest complete
 * day in the example's zone (PST), and returns that start. The example's mappings start on
 * 2026-10-01, so a load through the latest complete day would grow by a day per mapping every
 * calendar day; a test loading this way loads `days` days (one more if a day ends meanwhile).
 */
export function startMappingsRecently(projectDir: string, days: number): string {
  const start = recentStartDate(days);
  for (const file of readdirSync(join(projectDir, 'mappings')).filter((f) => f.endsWith('.ts'))) {
    editFile(projectDir, `mappings/${file}`, (text) => text.replace(/startDate: '[^']+'/, `startDate: '${start}'`));
  }
  return start;
}

/** Loads a project, failing with its diagnostics when it is invalid. */
export async function loadOrThrow(root: string): Promise<LoadedProject> {
  const result = await loadProject(root);
  if (!result.project) throw new Error(result.diagnostics.map((d) => `${d.file}: ${d.summary}`).join('\n'));
  return result.project;
}
