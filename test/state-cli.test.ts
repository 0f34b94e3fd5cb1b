/**
 * `ingest state list` and `ingest state show ADDRESS` on a temp copy of the example project
 * after an apply that records the config (--no-data: the state is what is under test).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempExampleProject } from './support/example-project.js';

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

describe('ingest state list / show', () => {
  beforeAll(() => {
    root = tempExampleProject();
    expect(ingest('state', 'list').stdout).toContain('The state is empty: nothing has been applied yet');
    expect(ingest('apply', '--auto-approve', '--no-data').code).toBe(0);
  });

  it('lists every mapping, source and schedule address', () => {
    const r = ingest('state', 'list');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'mapping.app_events',
        'mapping.checkout_conversion',
        'mapping.daily_metrics',
        'source.demo',
        'schedule.daily_9am',
        'schedule.on_demand',
        '',
      ].join('\n'),
    );
  });

  it('shows a schedule with its attributes and the mappings that use it, as text and versioned JSON', () => {
    const r = ingest('state', 'show', 'schedule.daily_9am');
    expect(r.stdout).toBe(
      [
        '# schedule.daily_9am',
        '# used by mapping.app_events, mapping.daily_metrics',
        'at         = "09:00"',
        'cutoff     = "12h"',
        'kind       = "daily"',
        'name       = "daily_9am"',
        'retryEvery = "1h"',
        'timeZone   = "PST"',
        '',
      ].join('\n'),
    );
    const json = JSON.parse(ingest('state', 'show', 'mapping.daily_metrics', '--json').stdout);
    expect(json).toMatchObject({
      formatVersion: 1,
      serial: 1,
      address: 'mapping.daily_metrics',
      type: 'mapping',
      name: 'daily_metrics',
      appliedSerial: 1,
    });
    expect(json.attributes).toMatchObject({
      source: 'demo',
      schedule: 'daily_9am',
      sqlFile: 'mappings/daily_metrics.sql',
    });
  });

  it('refuses an unknown address with a suggestion, exit 1', () => {
    const r = ingest('state', 'show', 'schedule.daily_9pm');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('No schedule.daily_9pm in the applied state. Did you mean schedule.daily_9am?');
    expect(ingest('state', 'show', 'daily_metrics').stderr).toContain(
      "'daily_metrics' is not a state address: use mapping.<name>, source.<name> or schedule.<name>.",
    );
  });

  it('reads the same addresses from status/state.json with --state repo', () => {
    expect(ingest('state', 'export').code).toBe(0);
    const json = JSON.parse(ingest('state', 'list', '--state', 'repo', '--json').stdout);
    expect(json.formatVersion).toBe(1);
    expect(json.resources.map((r: { address: string }) => r.address)).toEqual([
      'mapping.app_events',
      'mapping.checkout_conversion',
      'mapping.daily_metrics',
      'source.demo',
      'schedule.daily_9am',
      'schedule.on_demand',
    ]);
  });
});
