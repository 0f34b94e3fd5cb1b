/**
 * Updating a package.json that is already there (typically written by
 * `npm install @wharf/framework`): the template's scripts, dependencies and `"type": "module"`
 * are added where missing; nothing already set is changed.
 */
import { WharfError } from '../diagnostics/errors.js';

type Manifest = Record<string, unknown> & { type?: string };
const SECTIONS = ['scripts', 'dependencies', 'devDependencies'] as const;

/** The merged text and a line per addition (`scripts.plan`, `type`), or the error to show. */
export function mergePackageJson(
  existingText: string,
  templateText: string,
  file: string,
): { text: string; added: string[] } {
  let existing: Manifest;
  try {
    existing = JSON.parse(existingText) as Manifest;
  } catch (err) {
    throw new WharfError(`${file} is not valid JSON (${(err as Error).message}).`, {
      code: 'init.package-json-invalid',
      errorClass: 'config',
      hint: 'Fix it, or remove it and run `ingest init` again.',
    });
  }
  const template = JSON.parse(templateText) as Manifest;
  if (existing.type !== undefined && existing.type !== 'module') {
    throw new WharfError(
      `${file} sets "type": "${existing.type}", but a Wharf project's modules are ES modules. Nothing was written.`,
      {
        code: 'init.package-json-type',
        errorClass: 'config',
        hint: 'Set "type": "module" in it (or remove the line), or run `ingest init` in a new folder.',
      },
    );
  }
  const added: string[] = [];
  const merged: Manifest = { ...existing };
  if (existing.type === undefined) {
    merged.type = 'module';
    added.push('type');
  }
  for (const section of SECTIONS) {
    const have = { ...((existing[section] as Record<string, string> | undefined) ?? {}) };
    for (const [key, value] of Object.entries((template[section] as Record<string, string> | undefined) ?? {})) {
      if (key in have) continue;
      have[key] = value;
      added.push(`${section}.${key}`);
    }
    if (Object.keys(have).length) merged[section] = have;
  }
  return { text: `${JSON.stringify(merged, null, 2)}\n`, added };
}
