/**
 * A project on disk made in a test: one source (PostgreSQL unless given), one mapping with its
 * SQL, a daily schedule and the given store, run through the real `ingest` CLI in child processes.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MappingConfig } from '../../framework/config/types.js';
import { tempDir } from './engine-fixture.js';
import { REPO_ROOT } from './example-project.js';

export interface CliProject {
  root: string;
  env: NodeJS.ProcessEnv;
}

/**
 * `store` is the project's store literal, e.g. `{ kind: 'postgres', url: env('STORE_URL') }`;
 * `schedule` the body of `defineSchedule(...)` (default: a daily schedule named `daily`);
 * `source` the body of `defineSource(...)` (default: PostgreSQL `src` at env SOURCE_URL).
 */
export function cliProject(options: {
  store: string;
  mapping: MappingConfig;
  sql: string;
  env: Record<string, string>;
  schedule?: string;
  source?: string;
}): CliProject {
  const root = tempDir('wharf-cli-project-');
  for (const dir of ['sources', 'mappings', 'schedules']) mkdirSync(join(root, dir));
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'));
  writeFileSync(join(root, 'package.json'), '{ "private": true, "type": "module" }\n');
  writeFileSync(
    join(root, 'wharf.config.ts'),
    `import { defineProject, env } from '@wharf/framework';
export default defineProject({ name: 'cli_test', store: ${options.store}, timeZone: 'PST' });
`,
  );
  writeFileSync(
    join(root, 'sources/src.ts'),
    `import { defineSource, env } from '@wharf/framework';
export default defineSource(${options.source ?? "{ kind: 'postgres', name: 'src', url: env('SOURCE_URL') }"});
`,
  );
  writeFileSync(
    join(root, 'schedules/schedule.ts'),
    `import { defineSchedule } from '@wharf/framework';
export default defineSchedule(${options.schedule ?? "{ kind: 'daily', name: 'daily', at: '09:00' }"});
`,
  );
  writeFileSync(
    join(root, `mappings/${options.mapping.name}.ts`),
    `import { defineMapping } from '@wharf/framework';
export default defineMapping(${JSON.stringify(options.mapping)});
`,
  );
  writeFileSync(join(root, `mappings/${options.mapping.name}.sql`), `${options.sql}\n`);
  return { root, env: { ...process.env, NO_COLOR: '1', ...options.env } };
}

export interface IngestRun {
  code: number | null;
  out: string;
  pid: number;
}

/** Runs `ingest …` in the project; `out` is stdout and stderr together, oclif's margins unwrapped. */
export function ingestIn(project: CliProject, args: string[], onStart?: (pid: number) => void): Promise<IngestRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'framework/bin/run.js'), ...args], {
      cwd: project.root,
      env: project.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    onStart?.(child.pid as number);
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (out += String(d)));
    child.on('error', reject);
    child.on('exit', (code) =>
      resolve({ code, out: out.replace(/\s*›\s*/g, ' ').replace(/\s+/g, ' '), pid: child.pid as number }),
    );
  });
}
