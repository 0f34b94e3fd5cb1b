/**
 * The dependency arrows of framework/ (see docs/architecture.md): dependency-cruiser checks
 * every import against the allowed-arrows table (.dependency-cruiser.cjs, table in
 * scripts/dependency-arrows.cjs); this test runs that check, makes every framework folder
 * have a row, and keeps the documented table equal to the checked one.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runToEnd } from './support/child-process.js';
import { REPO_ROOT } from './support/example-project.js';

const require = createRequire(import.meta.url);
const { ARROWS, TYPE_ONLY_ARROWS } = require(join(REPO_ROOT, 'scripts/dependency-arrows.cjs')) as {
  ARROWS: Record<string, string[]>;
  TYPE_ONLY_ARROWS: Record<string, string[]>;
};

/** Folders of framework/ holding TypeScript sources (not the build, templates or scripts). */
function sourceFolders(): string[] {
  const skip = new Set(['dist', 'templates', 'node_modules', 'scripts', 'schema', 'bin']);
  return readdirSync(join(REPO_ROOT, 'framework')).filter(
    (name) => !skip.has(name) && statSync(join(REPO_ROOT, 'framework', name)).isDirectory(),
  );
}

/** The rows of the table under "## Dependency arrows" in docs/architecture.md. */
function documentedTable(): { arrows: Record<string, string[]>; typeOnly: Record<string, string[]> } {
  const doc = readFileSync(join(REPO_ROOT, 'docs/architecture.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Dependency arrows'));
  const rows = section.split('\n').filter((line) => /^\| `[^`]+` \|/.test(line));
  const names = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
  const arrows: Record<string, string[]> = {};
  const typeOnly: Record<string, string[]> = {};
  for (const row of rows) {
    const [from, to, types] = row.split('|').slice(1, 4);
    arrows[names(from)[0]] = names(to);
    if (names(types).length) typeOnly[names(from)[0]] = names(types);
  }
  return { arrows, typeOnly };
}

/**
 * Production sources of framework/ and plugins/: not the build, tests, or the code that only
 * tests run (testing/ and test/ folders, the connector conformance suite).
 */
function productionSources(dir: string): string[] {
  const skip = new Set(['dist', 'node_modules', 'templates', 'testing', 'test', 'conformance']);
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return skip.has(entry.name) ? [] : productionSources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts')
      ? [path]
      : [];
  });
}

describe('framework dependency arrows', () => {
  it('every import follows the allowed-arrows table (dependency-cruiser)', { timeout: 120_000 }, async () => {
    const bin = join(REPO_ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
    const run = await runToEnd(
      process.execPath,
      [bin, 'framework', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'],
      { cwd: REPO_ROOT },
    );
    expect(run.code, `dependency-cruiser found imports outside the allowed arrows:\n${run.stdout}${run.stderr}`).toBe(
      0,
    );
    expect(run.stdout).toContain('no dependency violations found');
  });

  it('gives every framework folder a row of the table', () => {
    expect(sourceFolders().filter((folder) => !(folder in ARROWS))).toEqual([]);
  });

  it('documents the same table in docs/architecture.md', () => {
    expect(documentedTable()).toEqual({ arrows: ARROWS, typeOnly: TYPE_ONLY_ARROWS });
  });
});

describe('failures', () => {
  it('are WharfErrors in production code: no bare `throw new Error` (internalError for broken invariants)', () => {
    const files = ['framework', 'plugins'].flatMap((dir) => productionSources(join(REPO_ROOT, dir)));
    expect(files.length).toBeGreaterThan(200);
    const bare = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) =>
          /\bthrow new (Type|Range)?Error\(/.test(line) ? [`${file.slice(REPO_ROOT.length)}:${i + 1}`] : [],
        ),
    );
    expect(bare).toEqual([]);
  });
});
