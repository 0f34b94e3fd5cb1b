/**
 * Config modules transformed from TypeScript are kept under the project's node_modules/.cache
 * between loads (framework/config/isolation/worker.ts): a load after an edit sees the file as
 * it now is, and a project without node_modules is loaded without a cache.
 */
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/engine-fixture.js';
import { loadOrThrow, REPO_ROOT } from '../support/example-project.js';

const schedule = (at: string) =>
  `import { defineSchedule } from '@wharf/framework';\nexport default defineSchedule({ kind: 'daily', name: 'daily', at: '${at}' });\n`;

/** A project of one schedule whose @wharf/framework is this repository's, in node_modules or beside it. */
function project(frameworkIn: 'node_modules' | 'parent'): string {
  const parent = tempDir('wharf-transform-cache-');
  const root = join(parent, 'project');
  mkdirSync(join(root, 'schedules'), { recursive: true });
  const modules = frameworkIn === 'node_modules' ? join(root, 'node_modules') : join(parent, 'node_modules');
  mkdirSync(join(modules, '@wharf'), { recursive: true });
  symlinkSync(join(REPO_ROOT, 'framework'), join(modules, '@wharf/framework'));
  writeFileSync(join(root, 'package.json'), '{ "private": true, "type": "module" }\n');
  writeFileSync(
    join(root, 'wharf.config.ts'),
    "import { defineProject } from '@wharf/framework';\nexport default defineProject({ name: 'cache_test', store: { kind: 'duckdb', path: 'store.duckdb' }, timeZone: 'PST' });\n",
  );
  writeFileSync(join(root, 'schedules/daily.ts'), schedule('09:00'));
  return root;
}

const at = async (root: string) => (await loadOrThrow(root)).schedules.get('daily')!.config;

describe('the config modules transform cache', () => {
  it('keeps each transformed module under node_modules/.cache, and transforms an edited one anew', async () => {
    const root = project('node_modules');
    expect(await at(root)).toMatchObject({ at: '09:00' });
    const cache = join(root, 'node_modules/.cache/wharf-config');
    const cached = () => readdirSync(cache).filter((f) => f.startsWith('schedules-daily'));
    expect(cached()).toHaveLength(1);
    // Same length, same place in the file: only the text tells the versions apart.
    writeFileSync(join(root, 'schedules/daily.ts'), schedule('10:30'));
    expect(await at(root)).toMatchObject({ at: '10:30' });
    expect(await at(root)).toMatchObject({ at: '10:30' });
    writeFileSync(join(root, 'schedules/daily.ts'), schedule('09:00'));
    expect(await at(root)).toMatchObject({ at: '09:00' });
    expect(cached()).toHaveLength(1);
  });

  it('writes nothing into a project without node_modules', async () => {
    const root = project('parent');
    expect(await at(root)).toMatchObject({ at: '09:00' });
    expect(existsSync(join(root, 'node_modules'))).toBe(false);
  });
});
