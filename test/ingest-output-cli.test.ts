/**
 * What `ingest backfill` and `ingest run` print when stdout and stderr are pipes (CI logs):
 * one line per day, once, on stdout; no progress on stderr; the summary on its own lines.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { editFile, REPO_ROOT, tempExampleProject } from './support/example-project.js';

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

  it('a failed day: the message, then what to do, under the day in run and backfill, and in ingest status; days failed alike on one line', () => {
    // The query no longer returns the column the mapping reads as the user.
    editFile(root, 'mappings/app_events.sql', (sql) => sql.replace(/user_json\s*\n/, 'user_json AS usr\n'));
    const missing =
      "query: Mapping 'app_events' reads columns that mappings/app_events.sql does not return: user → 'user_json'.";
    const remedy =
      'The query returns: event_id, event_time, event, value, properties, usr. Fix the column names in mappings/app_events.ts or the SELECT list.';

    const run = ingest('run', 'app_events', '--date', '2026-10-07');
    expect(run.code).toBe(1);
    const runLines = run.stdout.trimEnd().split('\n');
    expect(runLines[0]).toMatch(/^app_events 2026-10-07 failed 0 rows, 0 rejected in [\d,]+ ms — /);
    expect(runLines[0].endsWith(missing)).toBe(true);
    expect(runLines[1]).toBe(`  ${remedy}`);

    const one = ingest('backfill', 'app_events', '--from', '2026-10-08', '--to', '2026-10-08');
    expect(one.code).toBe(1);
    expect(one.stdout.trimEnd().split('\n').slice(-2)).toEqual([`  failed 2026-10-08: ${missing}`, `    ${remedy}`]);
    // Days that failed the same way: one line, and what to do once.
    const three = ingest('backfill', 'app_events', '--from', '2026-10-09', '--to', '2026-10-11');
    expect(three.code).toBe(1);
    expect(three.stdout.trimEnd().split('\n').slice(-3)).toEqual([
      '  0 rows loaded, 0 rejected, 0 duplicate timeuuid rows dropped',
      `  failed 3 days, 2026-10-09 to 2026-10-11: ${missing}`,
      `    ${remedy}`,
    ]);

    // The store keeps what to do: `ingest status` says it after the loads have ended.
    const summary = ingest('status', 'app_events');
    expect(summary.code).toBe(0);
    const summaryLines = summary.stdout.split('\n').map((l) => l.trim());
    // The three days' loads may finish in any order: the newest failure is one of them.
    const latest = summaryLines.findIndex((l) => /^latest failure: 2026-10-(09|10|11) at /.test(l));
    expect(summaryLines[latest].endsWith(missing)).toBe(true);
    expect(summaryLines[latest + 1]).toBe(remedy);
    const days = ingest('status', 'app_events', '--days', '--from', '2026-10-07', '--to', '2026-10-08');
    expect(days.stdout.split('\n').filter((l) => l.trim() === remedy)).toHaveLength(2);
    const json = JSON.parse(ingest('status', 'app_events', '--json', '--from', '2026-10-11').stdout) as {
      ledger: { date: string; errorHint: string | null }[];
      summary: { latestFailure: { errorHint: string | null } }[];
    };
    expect(json.ledger.map((e) => [e.date, e.errorHint])).toEqual([['2026-10-11', remedy]]);
    expect(json.summary[0].latestFailure.errorHint).toBe(remedy);
  });
});
