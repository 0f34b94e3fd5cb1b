/**
 * The GitHub flow's state handling, as the workflows run it: a pull request plans against
 * status/state.json (empty state when there is none yet), the reviewed plan is saved, and on
 * merge exactly that plan is applied to the store, or refused when the store moved on since.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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
  return {
    code: result.status,
    stdout: result.stdout,
    stderr: result.stderr.replace(/\s*›\s*/g, ' ').replace(/\s+/g, ' '),
  };
}

describe('plan --state repo and applying the reviewed plan', () => {
  beforeAll(() => {
    root = tempExampleProject();
  });

  it('plans against empty state when status/state.json does not exist, and says so', () => {
    expect(existsSync(join(root, 'status/state.json'))).toBe(false);
    const r = ingest('plan', '--state', 'repo', '--out', 'pr-plan.json');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No status/state.json yet: planning against empty state (nothing applied).');
    expect(r.stdout).toContain('Plan: 3 to add, 0 to change, 0 to remove');
    const markdown = ingest('plan', '--state', 'repo', '--format', 'markdown');
    expect(markdown.stdout.split('\n')[0]).toMatch(/^> No status\/state\.json yet: planning against empty state/);
    const json = ingest('plan', '--state', 'repo', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ state: { serial: 0, lineage: null }, summary: { add: 3 } });
    expect(json.stderr).toContain('No status/state.json yet');
  });

  it('applies the saved pull-request plan to a new store; the store then has nothing left to change', () => {
    const r = ingest('apply', 'pr-plan.json', '--no-data');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Apply complete: 3 added, 0 changed, 0 removed (state serial 1).');
    // Independent of the saved plan: a fresh plan against the live store finds nothing to do.
    expect(ingest('plan', '--detailed-exitcode').code).toBe(0);
  });

  it('refreshes status/state.json, after which repository plans match the store', () => {
    const exported = ingest('state', 'export');
    expect(exported.code).toBe(0);
    const snapshot = JSON.parse(readFileSync(join(root, 'status/state.json'), 'utf8')) as {
      serial: number;
      ingestions: Record<string, unknown>;
    };
    expect(snapshot.serial).toBe(1);
    expect(Object.keys(snapshot.ingestions).sort()).toEqual(['app_events', 'checkout_conversion', 'daily_metrics']);
    const r = ingest('plan', '--state', 'repo', '--detailed-exitcode');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('planning against empty state');
    expect(r.stdout).toContain('No changes.');
  });

  it('refuses a reviewed plan once another apply moved the store on, and applies nothing', () => {
    editFile(root, 'mappings/daily_metrics.sql', (sql) => `${sql}-- reviewed in the pull request\n`);
    expect(ingest('plan', '--state', 'repo', '--out', 'pr-plan.json').stdout).toContain(
      'Plan: 0 to add, 1 to change, 0 to remove',
    );
    // Another change lands first (serial 1 -> 2); status/state.json still says serial 1.
    editFile(root, 'mappings/app_events.sql', (sql) => `${sql}-- merged first\n`);
    expect(ingest('apply', '--auto-approve', '--no-data').code).toBe(0);
    const r = ingest('apply', 'pr-plan.json', '--no-data');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'The saved plan pr-plan.json is stale: the state changed since it was made (serial 1 then, 2 now). Nothing was applied.',
    );
    const status = ingest('plan', '--json');
    expect(JSON.parse(status.stdout)).toMatchObject({ state: { serial: 2 } });
  });
});
