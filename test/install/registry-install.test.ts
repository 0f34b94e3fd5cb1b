/**
 * Installing Wharf as a user does: the framework and the plugins are packed and published to
 * a real npm registry (Verdaccio on 127.0.0.1), then an empty folder outside this repository
 * installs `@wharf/framework` from it by name, scaffolds a project with `ingest init` and runs
 * the CLI (validate, plan, apply, and a source whose optional client is not installed), the
 * TypeScript compiler and a plugin install there.
 *
 * Nothing leaves the machine: Verdaccio has no uplink, and third-party packages resolve
 * against metadata seeded from this repository's package-lock.json with their tarballs taken
 * from npm's cache (see test/support/local-registry.ts for why this and not --prefer-offline:
 * `npm ci` does not cache every package's metadata, and on a miss npm would go online). The
 * folder's .npmrc points npm at the local registry only.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRegistry, type LocalRegistry } from '../support/local-registry.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORKSPACES = ['framework', 'plugins/athena', 'plugins/databricks', 'plugins/synapse', 'plugins/template'];

let tmp: string;
let registry: LocalRegistry;
let project: string;

interface RunResult {
  code: number;
  output: string;
}

/**
 * The environment of a user's shell: without the npm_* variables `npm test` sets (they would
 * point npm at this repository's config and prefix).
 */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) && key !== 'INIT_CWD' && key !== 'NODE_OPTIONS') env[key] = value;
  }
  return {
    ...env,
    NO_COLOR: '1',
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };
}

/** Runs a command (asynchronously: Verdaccio answers from this process). */
function run(cmd: string, args: string[], cwd: string): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { cwd, env: userEnv(), maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

async function ok(cmd: string, args: string[], cwd: string): Promise<string> {
  const r = await run(cmd, args, cwd);
  if (r.code !== 0) throw new Error(`\`${cmd} ${args.join(' ')}\` exited ${r.code} in ${cwd}:\n${r.output}`);
  return r.output;
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'wharf-registry-'));
  registry = await startLocalRegistry(join(tmp, 'storage'), join(REPO_ROOT, 'package-lock.json'));
  const host = registry.url.replace(/^http:/, '');

  // Release: pack every workspace and publish the tarballs. The test run's global setup has
  // just built them (test/global-setup.ts), so the packs skip their prepack build.
  const tarballs = join(tmp, 'tarballs');
  mkdirSync(tarballs);
  await ok(
    'npm',
    ['pack', '--ignore-scripts', '--pack-destination', tarballs, ...WORKSPACES.flatMap((w) => ['--workspace', w])],
    REPO_ROOT,
  );
  const packed = readdirSync(tarballs);
  expect(packed).toHaveLength(WORKSPACES.length);
  const publishConfig = join(tmp, 'publish.npmrc');
  writeFileSync(publishConfig, `registry=${registry.url}\n${host}:_authToken=${registry.token}\n`);
  await Promise.all(
    packed.map((filename) =>
      ok('npm', ['publish', join(tarballs, filename), '--userconfig', publishConfig, '--registry', registry.url], tmp),
    ),
  );

  // The user's empty folder, outside the repository, with npm pointed at the local registry.
  project = join(tmp, 'project');
  mkdirSync(project);
  writeFileSync(join(project, '.npmrc'), `registry=${registry.url}\n@wharf:registry=${registry.url}\n`);
}, 240_000);

afterAll(async () => {
  await registry?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('installing @wharf/framework from a registry', () => {
  it('installs by name with no engine warnings; `ingest init` then makes a project that validates, plans and applies', async () => {
    const install = await ok('npm', ['install', '@wharf/framework'], project);
    expect(install).not.toMatch(/EBADENGINE/);
    const installed = JSON.parse(readFileSync(join(project, 'node_modules/@wharf/framework/package.json'), 'utf8')) as {
      version: string;
    };
    expect(installed.version).toBe('0.1.0');
    // The default install leaves the optional warehouse clients out.
    expect(() => readFileSync(join(project, 'node_modules/snowflake-sdk/package.json'))).toThrow();
    expect(await ok('npx', ['--no', '--', 'ingest', '--version'], project)).toContain('@wharf/framework/0.1.0');

    // The README's steps: init in the folder npm just made, install what init added, then go.
    expect(await ok('npx', ['--no', '--', 'ingest', 'init'], project)).toContain('npx ingest validate');
    const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as {
      devDependencies?: Record<string, string>;
    };
    expect(pkg.devDependencies).toHaveProperty('typescript');
    expect(await ok('npm', ['install'], project)).not.toMatch(/EBADENGINE/);
    const validate = await ok('npx', ['--no', '--', 'ingest', 'validate'], project);
    expect(validate).toContain('project: configuration is valid');
    // Validate runs no query, and says which command does.
    expect(validate).toContain('No query was run: `ingest validate --queries` describes each on its source');
    // Each mapping starts four weeks before the latest complete PST day (fixed UTC-8): 28 days each.
    const start = new Date(Date.now() - 8 * 3_600_000 - 28 * 86_400_000).toISOString().slice(0, 10);
    for (const mapping of ['app_events', 'daily_metrics', 'checkout_conversion'])
      expect(readFileSync(join(project, `mappings/${mapping}.ts`), 'utf8')).toContain(`startDate: '${start}',`);
    expect(await ok('npx', ['--no', '--', 'ingest', 'plan'], project)).toContain(
      'Plan: 3 to add, 0 to change, 0 to remove, 84 days to load',
    );
    expect(await ok('npx', ['--no', '--', 'ingest', 'apply', '--auto-approve'], project)).toContain(
      'Apply complete: 3 added, 0 changed, 0 removed (state serial 1).',
    );
    expect(existsSync(join(project, '.wharf/demo-warehouse.duckdb'))).toBe(true);
    // Nothing left to change: exit code 0 (2 would mean changes).
    expect(await ok('npx', ['--no', '--', 'ingest', 'plan', '--detailed-exitcode'], project)).toContain(
      'Plan: 0 to add, 0 to change, 0 to remove, 0 days to load.',
    );
  }, 300_000);

  it('typechecks the project with its own tsconfig.json', async () => {
    const result = await run('npx', ['--no', '--', 'tsc', '--noEmit'], project);
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  }, 120_000);

  it('typechecks the project with `tsc --init` defaults', async () => {
    const scratch = join(tmp, 'tsc-init');
    mkdirSync(scratch);
    await ok(join(project, 'node_modules/.bin/tsc'), ['--init'], scratch);
    writeFileSync(join(project, 'tsconfig.defaults.json'), readFileSync(join(scratch, 'tsconfig.json')));
    const result = await run('npx', ['--no', '--', 'tsc', '--noEmit', '-p', 'tsconfig.defaults.json'], project);
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  }, 120_000);

  it('installs a plugin, which the project then loads', async () => {
    await ok('npm', ['install', '@wharf/plugin-databricks'], project);
    const config = join(project, 'wharf.config.ts');
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace(
        "timeZone: 'PST',",
        "timeZone: 'PST',\n  plugins: ['@wharf/plugin-databricks'],",
      ),
    );
    expect(await ok('npx', ['--no', '--', 'ingest', 'validate'], project)).toContain('configuration is valid');
    writeFileSync(
      join(project, 'sources/bricks.ts'),
      `import { defineSource, env } from '@wharf/framework';

export default defineSource({ kind: 'databricks', name: 'bricks', host: 'http://127.0.0.1:9', warehouseId: 'w1', catalog: 'main', schema: 'analytics', token: env('DATABRICKS_TOKEN') });
`,
    );
    // The plugin's source kind is known to validate: its config is checked, not rejected as unknown.
    const validated = await ok('npx', ['--no', '--', 'ingest', 'validate'], project);
    expect(validated).toContain('2 sources');
  }, 120_000);

  it('says which package to install when a source needs an optional client that is not installed', async () => {
    writeFileSync(
      join(project, 'sources/lake.ts'),
      `import { defineSource } from '@wharf/framework';

export default defineSource({ kind: 's3', name: 'lake', bucket: 'events', region: 'us-east-1', endpoint: 'http://127.0.0.1:9', forcePathStyle: true });
`,
    );
    writeFileSync(
      join(project, 'mappings/lake_metrics.sql'),
      'SELECT unit_id, id_type, ds, metric, value FROM metrics\n',
    );
    writeFileSync(
      join(project, 'mappings/lake_metrics.ts'),
      readFileSync(join(project, 'mappings/daily_metrics.ts'), 'utf8')
        .replace("name: 'daily_metrics'", "name: 'lake_metrics'")
        .replace("source: 'demo'", "source: 'lake'")
        .replace('./daily_metrics.sql', './lake_metrics.sql'),
    );
    const sample = await run('npx', ['--no', '--', 'ingest', 'sample', 'lake_metrics'], project);
    expect(sample.code).not.toBe(0);
    expect(sample.output).toContain('An s3 source needs @aws-sdk/client-s3, which is not installed.');
    expect(sample.output).toContain('Run `npm install @aws-sdk/client-s3` in the project.');
  }, 120_000);
});
