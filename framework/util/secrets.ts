/**
 * Resolves secret references at run time. Values are registered for redaction the moment
 * they are read, so no later message can carry them.
 */
import { registerSecret } from '../diagnostics/redact.js';
import { WharfError } from '../diagnostics/errors.js';
import type { SecretRef } from '../config/types.js';

export function resolveSecret(ref: SecretRef, field: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[ref.env];
  if (value === undefined || value === '') {
    throw new WharfError(`The environment variable ${ref.env} (for ${field}) is not set.`, {
      code: 'secret.missing',
      errorClass: 'config',
      hint: `Set ${ref.env} in the environment that runs ingest (e.g. a repository secret in GitHub Actions).`,
    });
  }
  registerSecret(value);
  try {
    // A URL's password is a secret of its own when the URL is printed in pieces.
    const url = new URL(value);
    if (url.password) registerSecret(decodeURIComponent(url.password));
  } catch {
    // Not a URL: nothing more to register.
  }
  return value;
}
