/**
 * The TypeScript compiler, used only to point diagnostics at a line and column. It is an
 * optional peer dependency (projects made by `ingest init` have it, for `tsc --noEmit`), loaded
 * only when there is a diagnostic to locate: without it, diagnostics still name file and field.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';

type TypeScript = typeof import('typescript');

let loaded: TypeScript | null | undefined;

/** The compiler, from the project (`root`) or next to Wharf; null when neither has it. */
export function typescriptFor(root?: string): TypeScript | null {
  if (loaded !== undefined) return loaded;
  for (const base of [...(root ? [join(root, 'package.json')] : []), import.meta.url]) {
    try {
      loaded = createRequire(base)('typescript') as TypeScript;
      return loaded;
    } catch {
      // Not installed there: try the next place.
    }
  }
  loaded = null;
  return loaded;
}
