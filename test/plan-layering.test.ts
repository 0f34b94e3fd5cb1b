/**
 * The arrows of the plan/state/apply layers point one way: the state knows nothing of plans,
 * the plan and apply cores never import the command line, the views or a terminal library.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/example-project.js';

function sources(folder: string): string[] {
  const dir = join(REPO_ROOT, 'framework', folder);
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sources(join(folder, entry));
    return entry.endsWith('.ts') && !entry.endsWith('.test.ts') ? [path] : [];
  });
}

function imports(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/^import[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1]);
}

const RULES: Record<string, RegExp> = {
  state: /\/(plan|apply|views|cli)\/|picocolors/,
  plan: /\/(apply|views|cli)\/|picocolors/,
  apply: /\/(views|cli)\/|picocolors/,
};

describe('layering of state, plan and apply', () => {
  for (const [folder, forbidden] of Object.entries(RULES)) {
    it(`${folder}/ imports nothing it must not`, () => {
      const offending = sources(folder).flatMap((file) =>
        imports(file)
          .filter((i) => forbidden.test(i))
          .map((i) => `${relative(REPO_ROOT, file)} → ${i}`),
      );
      expect(offending).toEqual([]);
    });
  }
});
