/** Modules that cannot be read: each is named with its file, line and the compiler's (or its own) message. */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../../framework/config/loader.js';
import { copyExampleProject } from '../support/example-project.js';

const BROKEN: Record<string, string> = {
  'sources/comma.ts': "export default {\n  kind: 'duckdb',\n  name: 'comma'\n  path: 'x.duckdb',\n};\n",
  'sources/brace.ts': "export default {\n  kind: 'duckdb',\n  name: 'brace',\n  path: 'x.duckdb',\n;\n",
  'sources/quote.ts': "export default {\n  kind: 'duckdb',\n  name: 'quote',\n  path: 'x.duckdb,\n};\n",
  'sources/bracket.mjs': "export default {\n  kind: 'duckdb',\n  name: 'bracket',\n  path: ['x.duckdb',\n};\n",
  'sources/keyword.ts':
    "export default {\n  kind: 'duckdb',\n  name: 'keyword',\n  path: 'x.duckdb',\n  maxConcurrency: return,\n};\n",
  'sources/throws.ts':
    "const path = 'x.duckdb';\nif (path) throw new Error('no warehouse configured');\nexport default { kind: 'duckdb', name: 'throws', path };\n",
};

describe('modules that cannot be loaded', () => {
  it('report the file, line and message of each, and refer to no other module', async () => {
    const dir = copyExampleProject();
    try {
      mkdirSync(join(dir, 'sources'), { recursive: true });
      for (const [file, text] of Object.entries(BROKEN)) writeFileSync(join(dir, file), text);
      const { diagnostics } = await loadProject(dir);
      expect(diagnostics.map((d) => [d.file, d.line, d.code, d.summary])).toEqual([
        ['sources/brace.ts', 5, 'module.syntax-error', 'Syntax error: Property assignment expected.'],
        ['sources/bracket.mjs', 5, 'module.syntax-error', 'Syntax error: Expression or comma expected.'],
        ['sources/comma.ts', 4, 'module.syntax-error', "Syntax error: ',' expected."],
        ['sources/keyword.ts', 5, 'module.syntax-error', 'Syntax error: Expression expected.'],
        ['sources/quote.ts', 4, 'module.syntax-error', 'Syntax error: Unterminated string literal.'],
        ['sources/throws.ts', 2, 'module.import-failed', 'The module could not be loaded: no warehouse configured'],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
