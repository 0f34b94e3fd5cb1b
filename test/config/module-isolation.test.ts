/**
 * Users' config modules run in a worker thread: a module that hangs, ends the process,
 * exhausts memory, throws or exports a function is a diagnostic on its own file, the other
 * modules still load, and the process that loads them (the CLI here) carries on and reports.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../framework/config/isolation/isolated-import.js';
import { loadProject } from '../../framework/config/loader.js';
import { copyExampleProject, REPO_ROOT } from '../support/example-project.js';

const run = promisify(execFile);
const INGEST = join(REPO_ROOT, 'node_modules/.bin/ingest');
// The time limit refuses the hanging modules; it must also leave the others time to fail their
// own way on a busy machine, where a 2 s limit once stopped the memory-hungry module first.
const LIMITS = { ...DEFAULT_LIMITS, timeoutMs: 6_000, memoryMb: 64 };

function projectWith(files: Record<string, string>): string {
  const dir = copyExampleProject();
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

describe('config modules run in a worker with limits', () => {
  it('reports a hanging, an exiting, a throwing and a memory-hungry module on their files; the good modules still load', async () => {
    const dir = projectWith({
      'mappings/a_hang.ts': 'while (true) {}\n',
      'mappings/b_exit.ts': 'process.exit(0);\n',
      'mappings/c_throw.ts': "throw new Error('the config server is down');\n",
      'mappings/d_hungry.ts': 'const grow: number[][] = []; for (;;) grow.push(new Array(1_000_000).fill(1));\n',
      'schedules/fn.ts':
        "import { defineSchedule } from '@wharf/framework';\nexport default { ...defineSchedule({ kind: 'daily', name: 'fn_daily', at: '09:00' }), at: () => '09:00' };\n",
    });
    const { project, diagnostics } = await loadProject(dir, { limits: LIMITS });
    expect(project).toBeNull();
    const found = diagnostics.map((d) => `${d.file} ${d.code}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'mappings/a_hang.ts module.timeout',
        'mappings/b_exit.ts module.exited',
        'mappings/c_throw.ts module.import-failed',
        'mappings/d_hungry.ts module.out-of-memory',
        'schedules/fn.ts module.not-plain-data',
      ]),
    );
    expect(diagnostics.find((d) => d.file === 'mappings/c_throw.ts')!.summary).toContain('the config server is down');
    expect(diagnostics.find((d) => d.file === 'schedules/fn.ts')!.summary).toContain('function at at');
    // The five bad modules are the only errors: the example's own modules loaded after them.
    expect(diagnostics.filter((d) => d.severity === 'error')).toHaveLength(5);
  });

  it('loads the example project to the same values as its modules declare', async () => {
    const { project, diagnostics } = await loadProject(REPO_ROOT, { limits: LIMITS });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    // Plain data: env() references arrive as { env } objects, arrays and nested objects intact.
    const demo = project!.sources.get('demo')!.config;
    expect(demo).toMatchObject({ kind: 'duckdb', name: 'demo' });
    expect(Object.getPrototypeOf(demo)).toBe(Object.prototype);
  });

  it('ingest validate fails with the diagnostics of a module that calls process.exit(0) and of one that hangs', async () => {
    const dir = projectWith({ 'mappings/exit.ts': 'process.exit(0);\n', 'mappings/hang.ts': 'while (true) {}\n' });
    const env = { ...process.env, WHARF_CONFIG_MODULE_TIMEOUT: '6s' };
    const failed = await run(INGEST, ['validate', '--json', '--project', dir], { env }).then(
      () => null,
      (err: { code: number; stdout: string }) => err,
    );
    expect(failed?.code).toBe(1);
    const output = JSON.parse(failed!.stdout) as {
      valid: boolean;
      diagnostics: { file: string; code: string; summary: string }[];
    };
    expect(output.valid).toBe(false);
    expect(output.diagnostics.map((d) => `${d.file} ${d.code}`)).toEqual([
      'mappings/exit.ts module.exited',
      'mappings/hang.ts module.timeout',
    ]);
    expect(output.diagnostics[1].summary).toContain('within 6 s');
  });
});
