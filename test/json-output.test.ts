/** Every command's --json document is versioned (docs/json-output.md). */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempExampleProject } from './support/example-project.js';

let root: string;

function json(...args: string[]) {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'framework/bin/run.js'), ...args, '--json'], {
    cwd: root,
    encoding: 'utf8',
  });
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe('--json documents', () => {
  beforeAll(() => {
    root = tempExampleProject();
  });

  it('carry formatVersion: 1 for plain results and keep the plan its own version', () => {
    expect(json('validate')).toMatchObject({ formatVersion: 1, valid: true });
    expect(json('run', 'daily_metrics', '--date', '2026-10-07')).toMatchObject({
      formatVersion: 1,
      mapping: 'daily_metrics',
      day: '2026-10-07',
      status: 'succeeded',
    });
    expect(json('plan')).toMatchObject({ formatVersion: 2, summary: { add: 3 } });
  });
});
