/**
 * A temporary copy of the example project (wharf.config.ts, sources/, mappings/, schedules/)
 * that resolves '@wharf/framework' through a node_modules symlink, for tests that edit
 * config and apply it.
 */
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProject } from '../../framework/config/loader.js';
import type { LoadedProject } from '../../framework/config/project.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export function tempExampleProject(): string {
  const root = mkdtempSync(join(tmpdir(), 'wharf-project-'));
  for (const entry of ['wharf.config.ts', 'sources', 'mappings', 'schedules'])
    cpSync(join(REPO_ROOT, entry), join(root, entry), { recursive: true });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'));
  writeFileSync(join(root, 'package.json'), '{ "private": true, "type": "module" }\n');
  return root;
}

/** Loads a project, failing with its diagnostics when it is invalid. */
export async function loadOrThrow(root: string): Promise<LoadedProject> {
  const result = await loadProject(root);
  if (!result.project) throw new Error(result.diagnostics.map((d) => `${d.file}: ${d.summary}`).join('\n'));
  return result.project;
}

/** Rewrites a file in the project with `edit`. */
export function editFile(root: string, file: string, edit: (text: string) => string): void {
  const path = join(root, file);
  writeFileSync(path, edit(readFileSync(path, 'utf8')));
}
