/**
 * What `ingest backfill` and `ingest run` print when stdout and stderr are pipes (CI logs):
 * one line per day, once, on stdout; no progress on stderr; the summary on its own lines.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempExampleProject } from './support/temp-project.js';

let root: string;

function ingest(...args: string[]) {
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'framework/bin/run.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('ingest output off a terminal', () => {
  beforeAll(() => {
    root = tempExampleProject();
  });

  it('backfill: one line per day on stdout, then the summary with rows, rejects and duplicates; nothing on stderr', () => {
    const r = ingest('backfill', 'app_events', '--from', '2026-10-04', '--to', '2026-10-06', '--concurrency', '1');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 3).map((l) => l.split(' ').slice(0, 3).join(' '))).toEqual([
      'app_events 2026-10-04 succeeded',
      'app_events 2026-10-05 succeeded',
      'app_events 2026-10-06 succeeded',
    ]);
    expect(lines[3]).toBe('app_events 2026-10-04..2026-10-06: 3 succeeded, 0 no data, 0 failed, 0 already loaded');
    expect(lines[4]).toMatch(/^ {2}[\d,]+ rows loaded, 2 rejected, \d+ duplicate timeuuid rows? dropped$/);
    expect(lines).toHaveLength(5);
  });

  it('run of one day prints that day once', () => {
    const r = ingest('run', 'daily_metrics', '--date', '2026-10-07');
    expect(r.code).toBe(0);
    expect(`${r.stdout}${r.stderr}`.match(/daily_metrics 2026-10-07/g)).toHaveLength(1);
    expect(r.stderr).toBe('');
  });
});
