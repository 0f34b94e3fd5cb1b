/** `ingest --help` describes each topic by what its commands do, not by one of them. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/example-project.js';

describe('ingest --help', () => {
  it('describes the experiment and state topics as a whole, and every command', () => {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'framework/bin/run.js'), '--help'], {
      encoding: 'utf8',
      env: { ...process.env, COLUMNS: '400' },
    });
    const commands = r.stdout
      .slice(r.stdout.indexOf('COMMANDS'))
      .split('\n')
      .slice(1)
      .filter((l) => /^ {2}\S/.test(l));
    expect(commands.map((l) => l.trim().split(/\s+/)[0])).toContain('status');
    for (const line of commands) expect(line.trim().split(/\s{2,}/), line).toHaveLength(2); // name, then its description
    const topics = r.stdout.slice(r.stdout.indexOf('TOPICS'), r.stdout.indexOf('COMMANDS')).replace(/\s+/g, ' ');
    expect(topics).toContain(
      "experiment Run an experiment's pipeline in the store, show its results and health checks, and write its Markdown report.",
    );
    expect(topics).toContain(
      'state Inspect the applied state (list its addresses, show one) and export it to status/state.json.',
    );
  });
});
