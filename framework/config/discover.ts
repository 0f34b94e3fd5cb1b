import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const CONFIG_FILES = ['wharf.config.ts', 'wharf.config.mts', 'wharf.config.js', 'wharf.config.mjs'];
const MODULE_FILE = /\.(ts|mts|js|mjs)$/;
const SKIPPED = /(\.d\.ts|\.test\.[mc]?[tj]s|\.spec\.[mc]?[tj]s)$/;

/** The folder holding wharf.config.*, searching upwards from `start`. */
export function findProjectRoot(start: string): string | null {
  let dir = start;
  for (;;) {
    if (CONFIG_FILES.some((f) => existsSync(join(dir, f)))) return dir;
    const parent = join(dir, '..');
    if (parent === dir) return null;
    dir = parent;
  }
}

export function configFileIn(root: string): string | null {
  const name = CONFIG_FILES.find((f) => existsSync(join(root, f)));
  return name ? join(root, name) : null;
}

/** Module files under `root/folder`, recursively, sorted; files starting with `_` are helpers, not modules. */
export function discoverModules(root: string, folder: string): string[] {
  const base = join(root, folder);
  if (!existsSync(base)) return [];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      if (entry.startsWith('.') || entry === 'node_modules') continue;
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (MODULE_FILE.test(entry) && !SKIPPED.test(entry) && !entry.startsWith('_')) out.push(path);
    }
  };
  walk(base);
  return out.map((p) => relative(root, p));
}
