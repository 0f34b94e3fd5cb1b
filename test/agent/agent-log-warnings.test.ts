/**
 * `ingest agent --log-format json` keeps its log stream one JSON object per line when
 * libraries warn while it runs (a multi-line AWS SDK process warning, a console.warn, a Node
 * deprecation): each warning is a log line of `component: library`, none is raw text.
 */
import { agentArgs } from '../support/agent-process.js';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/example-project.js';
import { createRemote, exampleConfigFiles, type TempRemote } from '../support/git-remote.js';
import { midDayZone, withTimeZone } from '../support/mid-day-zone.js';
import { until } from '../support/until.js';

let remote: TempRemote | undefined;
afterAll(() => remote?.cleanup());

describe('agent logs when libraries warn', () => {
  it('stay valid JSON lines, each warning captured as a log line', { timeout: 120_000 }, async () => {
    const zone = midDayZone();
    const files = exampleConfigFiles();
    files['wharf.config.ts'] = withTimeZone(files['wharf.config.ts'], zone.timeZone);
    for (const path of Object.keys(files))
      if (path.startsWith('mappings/') && path.endsWith('.ts'))
        files[path] = files[path].replace(/startDate: '[^']+'/, `startDate: '${zone.latest}'`);
    remote = createRemote(files);
    const port = 22000 + Math.floor(Math.random() * 2000);
    const child = spawn(
      process.execPath,
      ['--import', join(REPO_ROOT, 'test/support/agent-warning-preload.mjs'), ...agentArgs(remote, port)],
      {
        env: { ...process.env, WHARF_API_KEYS: 'log-warnings-test-key', NODE_OPTIONS: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      await until(
        'the three library warnings in the log',
        async () =>
          stderr.includes('DEP0005') && stderr.includes('NodeVersionSupportWarning') && stderr.includes('SIMPLE_GIT'),
        {
          limitMs: 60_000,
          detail: () => stderr.slice(-3000),
        },
      );
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    const lines = stderr.trimEnd().split('\n');
    const records = lines.map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`A log line is not JSON: ${line}`);
      }
    });
    const library = records.filter((r) => r.component === 'library');
    // console.warn is written at once; Node emits process warnings on the next tick.
    expect(library.map((r) => [r.level, r.code ?? null])).toEqual([
      ['warn', 'SIMPLE_GIT_UNLISTED_CONFIG'],
      ['warn', null],
      ['warn', 'DEP0005'],
    ]);
    expect(library[1].msg).toMatch(/^NodeVersionSupportWarning: The AWS SDK for JavaScript \(v3\)\n/);
    expect(records.some((r) => r.msg === 'signal received')).toBe(true);
    expect(stdout).toBe('');
  });
});
