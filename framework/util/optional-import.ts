/**
 * Warehouse and notification clients (snowflake-sdk, @google-cloud/bigquery, @aws-sdk/client-s3,
 * nodemailer, @octokit/rest) are optional peer dependencies: a project installs only the ones
 * its sources and targets use. They are imported here, when first used, and a missing one is a
 * config error that says what to install, as plugins do for their own clients.
 */
import { WharfError } from '../diagnostics/errors.js';

/**
 * Runs `load` (a literal `import('pkg')`, so the package keeps its types) and turns "package
 * not found" for `pkg` into an error naming `feature` and the install command (for
 * `installSpec`, e.g. `pkg@21` when only that major supports Wharf's Node versions).
 */
export async function importOptional<T>(
  pkg: string,
  feature: string,
  load: () => Promise<T>,
  installSpec = pkg,
): Promise<T> {
  try {
    return await load();
  } catch (err) {
    if (isMissing(err, pkg)) throw missingPackageError(pkg, feature, err, installSpec);
    throw err;
  }
}

/** True when `err` is Node's module-not-found error for `pkg` itself (not for a file inside it). */
export function isMissing(err: unknown, pkg: string): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  const message = err instanceof Error ? err.message : String(err);
  return message.includes(`'${pkg}'`);
}

export function missingPackageError(pkg: string, feature: string, cause?: unknown, installSpec = pkg): WharfError {
  return new WharfError(`${feature} needs ${pkg}, which is not installed.`, {
    code: 'dependency.missing',
    errorClass: 'config',
    hint: `Run \`npm install ${installSpec}\` in the project.`,
    details: { package: pkg },
    cause,
  });
}
