import { describe, expect, it } from 'vitest';
import { WharfError } from '../diagnostics/errors.js';
import { importOptional } from './optional-import.js';

// Real imports through Node's resolver: a package that is not installed, and one that is.
const NOT_INSTALLED = 'wharf-no-such-package';

describe('importOptional', () => {
  it('turns a missing package into a config error that says what to install', async () => {
    const err = await importOptional(NOT_INSTALLED, 'A snowflake source', () => import(NOT_INSTALLED)).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WharfError);
    expect(err).toMatchObject({
      code: 'dependency.missing',
      errorClass: 'config',
      message: `A snowflake source needs ${NOT_INSTALLED}, which is not installed.`,
      hint: `Run \`npm install ${NOT_INSTALLED}\` in the project.`,
    });
  });

  it('passes other failures through unchanged, including a different missing package', async () => {
    const other = await importOptional(
      'nodemailer',
      'The email notification target',
      () => import(NOT_INSTALLED),
    ).catch((e: unknown) => e);
    expect(other).not.toBeInstanceOf(WharfError);
    expect((other as { code?: string }).code).toBe('ERR_MODULE_NOT_FOUND');
    const boom = new Error('init failed');
    await expect(importOptional('nodemailer', 'x', () => Promise.reject(boom))).rejects.toBe(boom);
  });

  it('names the version to install when one is given', async () => {
    const err = await importOptional(
      NOT_INSTALLED,
      'Posting to GitHub',
      () => import(NOT_INSTALLED),
      `${NOT_INSTALLED}@21`,
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ hint: `Run \`npm install ${NOT_INSTALLED}@21\` in the project.` });
  });

  it('returns the module when it is installed', async () => {
    const mod = await importOptional('nodemailer', 'The email notification target', () => import('nodemailer'));
    expect(typeof mod.default.createTransport).toBe('function');
  });
});
