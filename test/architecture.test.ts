/**
 * The dependency arrows of framework/ (see docs/architecture.md): cli and agent depend on the
 * core; the core never depends on cli, agent or views, and plan data never imports a
 * terminal library. Checked on every import statement of every source file.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/example-project.js';

const FRAMEWORK = join(REPO_ROOT, 'framework');
const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'node_modules' ? [] : sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

/** Top-level framework folder of a file or import target, e.g. `cli`, `plan`. */
function area(path: string): string {
  return relative(FRAMEWORK, path).split('/')[0];
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2]);
}

const OUTER = new Set(['cli', 'agent', 'views', 'bin', 'testing']);

describe('framework dependency arrows', () => {
  const files = sourceFiles(FRAMEWORK);

  it('finds the framework sources', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('core modules never import cli, agent, views or test helpers', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = area(file);
      if (OUTER.has(from) || from === 'index.ts') continue;
      for (const spec of imports(file).filter((s) => s.startsWith('.'))) {
        const to = area(resolve(file, '..', spec));
        if (OUTER.has(to)) violations.push(`${relative(REPO_ROOT, file)} imports ${spec}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('plan and state data never import a terminal library', () => {
    const violations = files
      .filter((f) => ['plan', 'state', 'engine', 'schedule', 'store'].includes(area(f)))
      .flatMap((f) => imports(f).filter((s) => /^(picocolors|chalk|ansi-|cli-)/.test(s)).map((s) => `${relative(REPO_ROOT, f)} imports ${s}`));
    expect(violations).toEqual([]);
  });
});
