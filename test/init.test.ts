/**
 * `ingest init` as a new user runs it: into an empty folder outside this repository, what it
 * writes and refuses to write, and what it adds to a package.json. The commands the README gives
 * next (validate, plan, apply, tsc) on the project exactly as written run in
 * test/install/registry-install.test.ts, on the framework installed from a registry.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runToEnd } from './support/child-process.js';
import { REPO_ROOT } from './support/example-project.js';

const BIN = join(REPO_ROOT, 'framework/bin/run.js');

// The files a new project must have, written out here rather than read from the templates.
const EXPECTED = [
  '.dockerignore',
  '.github/actions/ingest/action.yml',
  '.github/workflows/apply.yml',
  '.github/workflows/ci.yml',
  '.github/workflows/plan.yml',
  '.gitignore',
  'Dockerfile',
  'deploy/agent.env.example',
  'deploy/wharf-agent.service',
  'mappings/app_events.sql',
  'mappings/app_events.ts',
  'mappings/checkout_conversion.sql',
  'mappings/checkout_conversion.ts',
  'mappings/daily_metrics.sql',
  'mappings/daily_metrics.ts',
  'package.json',
  'schedules/api.ts',
  'schedules/daily.ts',
  'sources/demo.ts',
  'tsconfig.json',
  'wharf.config.ts',
];

let parent: string;
let project: string;

async function run(command: string, args: string[], cwd: string) {
  const r = await runToEnd(command, args, { cwd, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.code, stdout: r.stdout, stderr: r.stderr.replace(/\s*›\s*/g, ' ') };
}

const ingest = (cwd: string, ...args: string[]) => run(process.execPath, [BIN, ...args], cwd);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

beforeAll(() => {
  parent = mkdtempSync(join(tmpdir(), 'wharf-init-'));
  project = join(parent, 'Acme Analytics');
});

describe('ingest init', () => {
  it('writes the project into a new folder and prints the next steps', async () => {
    const r = await ingest(parent, 'init', 'Acme Analytics');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(filesUnder(project)).toEqual(EXPECTED);
    expect(r.stdout).toContain('Created a Wharf project in Acme Analytics:');
    expect(r.stdout).toMatch(
      /Next:\n {2}cd Acme Analytics\n {2}npm install .*\n {2}npx ingest validate .*\n {2}npx ingest plan .*\n {2}npx ingest apply --auto-approve/,
    );

    const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as {
      name: string;
      type: string;
      scripts: Record<string, string>;
      dependencies: Record<string, string>;
    };
    const framework = JSON.parse(readFileSync(join(REPO_ROOT, 'framework/package.json'), 'utf8')) as {
      version: string;
    };
    expect(pkg).toMatchObject({
      name: 'acme-analytics',
      type: 'module',
      dependencies: { '@wharf/framework': framework.version },
    });
    expect(pkg.scripts).toMatchObject({
      validate: 'ingest validate',
      plan: 'ingest plan',
      apply: 'ingest apply',
      agent: 'ingest agent',
    });
    expect(readFileSync(join(project, 'wharf.config.ts'), 'utf8')).toContain("name: 'acme_analytics'");
    expect(readFileSync(join(project, '.gitignore'), 'utf8').split('\n')).toEqual(
      expect.arrayContaining(['node_modules/', '.wharf/']),
    );
    for (const yml of EXPECTED.filter((f) => f.endsWith('.yml')))
      expect(parse(readFileSync(join(project, yml), 'utf8'))).toBeTypeOf('object');
  });

  it('refuses a second init, lists every file in the way, and changes nothing', async () => {
    writeFileSync(
      join(project, 'mappings/app_events.sql'),
      `${readFileSync(join(project, 'mappings/app_events.sql'), 'utf8')}-- edited by the user\n`,
    );
    const before = new Map(filesUnder(project).map((f) => [f, readFileSync(join(project, f), 'utf8')]));
    const r = await ingest(parent, 'init', 'Acme Analytics');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `ingest init writes no file that already exists, and ${EXPECTED.length - 1} of its files are already in ${project}`,
    );
    for (const file of ['wharf.config.ts', 'mappings/app_events.sql', '.github/workflows/plan.yml'])
      expect(r.stderr).toContain(` ${file} `);
    expect(r.stderr).toContain('Nothing was written.');
    expect(new Map(filesUnder(project).map((f) => [f, readFileSync(join(project, f), 'utf8')]))).toEqual(before);
  });

  it('writes nothing when only one of its files exists', async () => {
    const dir = join(parent, 'one-conflict');
    mkdirSync(join(dir, 'mappings'), { recursive: true });
    writeFileSync(join(dir, 'mappings/app_events.sql'), 'SELECT 1\n');
    const r = await ingest(parent, 'init', 'one-conflict');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('1 of its files are already in');
    expect(filesUnder(dir)).toEqual(['mappings/app_events.sql']);
  });

  it('refuses a DIR that is a file', async () => {
    writeFileSync(join(parent, 'a-file'), 'x');
    const r = await ingest(parent, 'init', 'a-file');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(parent, 'a-file')} is a file, not a folder. Nothing was written.`);
  });

  it('adds to the package.json `npm install @wharf/framework` leaves, keeping what is set', async () => {
    const dir = join(parent, 'installed-first');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'package.json'),
      `${JSON.stringify({ dependencies: { '@wharf/framework': '^0.1.0' }, scripts: { plan: 'echo mine' } }, null, 2)}\n`,
    );
    const r = await ingest(parent, 'init', 'installed-first');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Added to package.json: type, scripts.validate, scripts.apply');
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, string> | string
    >;
    expect(pkg).toMatchObject({
      type: 'module',
      dependencies: { '@wharf/framework': '^0.1.0' },
      scripts: { plan: 'echo mine', validate: 'ingest validate' },
    });
    expect(pkg.devDependencies).toHaveProperty('typescript');
  });

  it('refuses a package.json that makes the modules CommonJS', async () => {
    const dir = join(parent, 'commonjs');
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), '{ "type": "commonjs" }\n');
    const r = await ingest(parent, 'init', 'commonjs');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'sets "type": "commonjs", but a Wharf project\'s modules are ES modules. Nothing was written.',
    );
    expect(filesUnder(dir)).toEqual(['package.json']);
  });
});
