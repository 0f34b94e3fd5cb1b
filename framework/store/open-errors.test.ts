import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { jsonError } from '../cli/base-command.js';
import type { WharfError } from '../diagnostics/errors.js';
import { registerSecret } from '../diagnostics/redact.js';
import { storeOpenError } from './open-errors.js';
import { openStore } from './open-store.js';

const postgres = { kind: 'postgres', url: { env: 'WHARF_STORE_URL' } } as const;

describe('store open errors', () => {
  it('names the host that DNS does not know, and the variable holding the URL', () => {
    // The shape Node gives a failed getaddrinfo (tests may not reach a resolver).
    const dns = Object.assign(new Error('getaddrinfo ENOTFOUND base'), {
      code: 'ENOTFOUND',
      syscall: 'getaddrinfo',
      hostname: 'base',
      errno: -3008,
    });
    const err = storeOpenError(dns, postgres);
    expect([err.code, err.errorClass, err.message, err.hint]).toEqual([
      'store.host-not-found',
      'connection',
      "The PostgreSQL store host 'base' could not be found (DNS: ENOTFOUND).",
      'Check the host in the URL in WHARF_STORE_URL (store.url in wharf.config.ts).',
    ]);
  });

  it("refuses a URL that is not a postgres:// URL before connecting, naming the variable (not the driver's placeholder host)", async () => {
    for (const [value, why] of [
      ['not a url', 'is not a valid URL'],
      ['host=localhost dbname=wharf', 'is not a valid URL'],
      ['http://127.0.0.1/wharf', "is not a postgres:// URL (it starts with 'http://')"],
    ]) {
      process.env.WHARF_TEST_BAD_STORE_URL = value;
      const failure = await openStore({ kind: 'postgres', url: { env: 'WHARF_TEST_BAD_STORE_URL' } }, '/').then(
        () => undefined,
        (e: WharfError) => e,
      );
      expect([failure?.code, failure?.errorClass, failure?.message], value).toEqual([
        'store.invalid-url',
        'config',
        `The PostgreSQL store URL in WHARF_TEST_BAD_STORE_URL ${why}.`,
      ]);
      expect(failure?.hint).toContain('postgres://USER:PASSWORD@HOST:5432/DATABASE');
    }
    delete process.env.WHARF_TEST_BAD_STORE_URL;
  });

  it('turns a password refused by the server (28P01) into an auth error naming the setting', () => {
    const refused = new pg.DatabaseError('password authentication failed for user "wharf"', 100, 'error');
    refused.code = '28P01';
    const err = storeOpenError(refused, postgres);
    expect([err.code, err.errorClass, err.message]).toEqual([
      'store.auth-failed',
      'auth',
      'The PostgreSQL store refused the user name or password (PostgreSQL 28P01).',
    ]);
  });

  it('names the DuckDB store path when the file cannot be opened', async () => {
    const root = mkdtempSync(join(tmpdir(), 'wharf-store-'));
    try {
      mkdirSync(join(root, 'store.duckdb'));
      const failure = await openStore({ kind: 'duckdb', path: 'store.duckdb' }, root).then(
        () => undefined,
        (e: Error & { code?: string }) => e,
      );
      expect(failure?.code).toBe('store.open-failed');
      expect(failure?.message).toMatch(
        /^The DuckDB store at 'store\.duckdb' \(store\.path in wharf\.config\.ts\) could not be opened: /,
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('--json errors', () => {
  it('have one shape for Wharf errors, usage errors and bugs, with secrets redacted', () => {
    registerSecret('hunter2-secret');
    const wharf = storeOpenError(new TypeError('Invalid URL'), postgres);
    expect(jsonError(wharf)).toEqual({
      exit: 1,
      document: { error: { code: 'store.invalid-url', class: 'config', message: wharf.message, hint: wharf.hint } },
    });
    const usage = Object.assign(
      new Error(
        'The following errors occurred:\n  Missing required flag from\n  Missing required flag to\nSee more help with --help',
      ),
      { oclif: { exit: 2 } },
    );
    expect(jsonError(usage)).toEqual({
      exit: 2,
      document: {
        error: {
          code: 'cli.usage',
          class: 'usage',
          message: 'Missing required flag from; Missing required flag to',
          hint: 'Run the command with --help for its arguments and flags.',
        },
      },
    });
    const bug = Object.assign(new Error('connect failed: password=hunter2-secret'), {
      code: 'XX000',
      severity: 'FATAL',
    });
    expect(jsonError(bug).document.error).toEqual({
      code: 'internal',
      class: 'internal',
      message: 'connect failed: password=***',
      hint: expect.any(String),
    });
  });
});
