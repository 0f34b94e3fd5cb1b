/**
 * The folder of the installed @wharf/framework package (the one holding its package.json).
 * Files the framework reads at run time (the JSON Schema, templates) live there, so they are
 * found the same way from the TypeScript sources (framework/) and from the build
 * (framework/dist/), in this repository and in a user's node_modules.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WharfError } from '../diagnostics/errors.js';

const PACKAGE_NAME = '@wharf/framework';
let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME)
      return (cached = dir);
    const parent = dirname(dir);
    if (parent === dir) {
      throw new WharfError(
        `No package.json of ${PACKAGE_NAME} above ${fileURLToPath(import.meta.url)}: the package is incomplete.`,
        {
          code: 'package.incomplete',
          errorClass: 'internal',
          hint: `Reinstall ${PACKAGE_NAME} (npm ci).`,
        },
      );
    }
    dir = parent;
  }
}
