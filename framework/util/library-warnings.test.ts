import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('routeLibraryWarnings', () => {
  it('keeps stderr one JSON object per line when libraries warn through console or process.emitWarning', () => {
    const probe = resolve(import.meta.dirname, '../../test/support/library-warning-probe.ts');
    const r = spawnSync(process.execPath, ['--import', 'tsx', probe], {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    expect(r.status).toBe(0);
    const lines = r.stderr.trimEnd().split('\n');
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((x) => [x.level, x.msg, x.code ?? null, x.component ?? null])).toEqual([
      ['info', 'started', null, null],
      [
        'warn',
        'SIMPLE_GIT_UNLISTED_CONFIG configuring user.name is not listed',
        'SIMPLE_GIT_UNLISTED_CONFIG',
        'library',
      ],
      ['warn', 'something is deprecated', 'DEP0999', 'library'],
      ['info', 'done', null, null],
    ]);
    expect(r.stdout).toBe('');
  });
});
