/**
 * A store that cannot be opened is explained: which store, what went wrong, and the setting
 * to fix; with --json the error is always { error: { code, class, message, hint } }. The URL's
 * password never appears. Runs the CLI against the real test PostgreSQL server and against a
 * closed port on 127.0.0.1.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyExampleProject, editFile, REPO_ROOT } from '../support/example-project.js';
import { pgUrl } from '../support/postgres.js';

const run = promisify(execFile);
const INGEST = join(REPO_ROOT, 'node_modules/.bin/ingest');
const SECRET = 's3cret-Pw-7731';

let dir: string;

async function statusJson(storeUrl: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(INGEST, ['status', '--json', '--project', dir], {
    env: { ...process.env, WHARF_STORE_URL: storeUrl, NO_COLOR: '1' },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({
      code: err.code,
      stdout: err.stdout,
      stderr: err.stderr,
    }),
  );
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function withUser(url: string, user: string, database?: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = SECRET;
  if (database) u.pathname = `/${database}`;
  return u.toString();
}

describe('a PostgreSQL store that cannot be opened', () => {
  beforeAll(() => {
    dir = copyExampleProject();
    editFile(dir, 'wharf.config.ts', (t) =>
      t
        .replace(
          "store: { kind: 'duckdb', path: '.wharf/store.duckdb' },",
          "store: { kind: 'postgres', url: env('WHARF_STORE_URL') },",
        )
        .replace('import { defineProject } from', 'import { defineProject, env } from'),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases: [string, () => Promise<string>, Record<string, unknown>][] = [
    [
      'an invalid URL',
      async () => `postgres://wharf:${SECRET}@[::1:5432/db`,
      {
        code: 'store.invalid-url',
        class: 'config',
        message: 'The PostgreSQL store URL in WHARF_STORE_URL is not a valid URL.',
        hint: 'Set WHARF_STORE_URL to a URL such as postgres://USER:PASSWORD@HOST:5432/DATABASE (store.url in wharf.config.ts names the variable).',
      },
    ],
    [
      'nothing listening',
      async () => `postgres://wharf:${SECRET}@127.0.0.1:${await closedPort()}/db`,
      {
        code: 'store.connection-refused',
        class: 'connection',
        message: expect.stringMatching(
          /^The PostgreSQL store refused the connection at 127\.0\.0\.1:\d+: is the server running there\?$/,
        ),
        hint: 'Check the host and port in the URL in WHARF_STORE_URL (store.url in wharf.config.ts), and that PostgreSQL is running.',
      },
    ],
    [
      'a user the server refuses',
      async () => withUser(pgUrl(), 'no_such_role'),
      {
        code: 'store.auth-failed',
        class: 'auth',
        message: 'The PostgreSQL store refused the user name or password (PostgreSQL 28000).',
        hint: 'Check the user and password in the URL in WHARF_STORE_URL (store.url in wharf.config.ts).',
      },
    ],
    [
      'a database that does not exist',
      async () => withUser(pgUrl(), 'postgres', 'no_such_database'),
      {
        code: 'store.no-database',
        class: 'config',
        message: 'The PostgreSQL store database named in WHARF_STORE_URL does not exist (PostgreSQL 3D000).',
        hint: 'Create the database, or fix its name in the URL in WHARF_STORE_URL (store.url in wharf.config.ts).',
      },
    ],
  ];

  for (const [name, url, expected] of cases) {
    it(`${name}: names the store and the setting, in the --json error shape`, async () => {
      const { code, stdout, stderr } = await statusJson(await url());
      expect(code).toBe(1);
      expect(JSON.parse(stdout)).toEqual({ error: expected });
      expect(stdout + stderr).not.toContain(SECRET);
    });
  }
});
