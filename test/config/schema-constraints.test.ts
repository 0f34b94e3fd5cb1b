/** Values the schema refuses since they can only fail (or loop) at run time, each with its reason. */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../../framework/config/loader.js';
import { copyExampleProject, editFile } from '../support/example-project.js';

describe('schema constraints', () => {
  it('refuses fractional and out-of-range ports, fractional maxConcurrency, zero intervals and an empty date column', async () => {
    const dir = copyExampleProject();
    try {
      const source = (name: string, port: number) =>
        `import { defineSource, env } from '@wharf/framework';\nexport default defineSource({ kind: 'postgres', name: '${name}', url: env('PG_URL'), port: ${port}, maxConcurrency: 1.5 });\n`;
      writeFileSync(join(dir, 'sources/half.ts'), source('half', 1.5));
      writeFileSync(join(dir, 'sources/big.ts'), source('big', 70000));
      editFile(dir, 'schedules/daily.ts', (t) => t.replace("retryEvery: '1h'", "retryEvery: '0h'"));
      editFile(dir, 'mappings/daily_metrics.ts', (t) => t.replace("date: 'ds'", "date: ''"));
      const { diagnostics } = await loadProject(dir);
      expect(diagnostics.map((d) => [d.file, d.field, d.summary])).toEqual([
        ['mappings/daily_metrics.ts', 'columns.date', 'Must not be empty.'],
        [
          'schedules/daily.ts',
          'retryEvery',
          "'0h' is not a duration above zero: a whole number and a unit s, m, h or d, e.g. '30m' or '1h'.",
        ],
        ['sources/big.ts', 'maxConcurrency', 'Must be a whole number (got 1.5).'],
        ['sources/big.ts', 'port', 'Must be at most 65535 (got 70000).'],
        ['sources/half.ts', 'maxConcurrency', 'Must be a whole number (got 1.5).'],
        ['sources/half.ts', 'port', 'Must be a whole number (got 1.5).'],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a PostgreSQL store schema name the store could not use, naming the field', async () => {
    const dir = copyExampleProject();
    try {
      editFile(dir, 'wharf.config.ts', (t) =>
        t.replace(/store: \{[^}]*\},/, "store: { kind: 'postgres', url: { env: 'STORE_URL' }, schema: 'Wharf-Prod' },"),
      );
      const { diagnostics } = await loadProject(dir);
      expect(diagnostics.map((d) => [d.file, d.field, d.summary])).toEqual([
        [
          'wharf.config.ts',
          'store.schema',
          "'Wharf-Prod' is not a name of lower-case letters, digits and underscores that does not start with a digit, e.g. 'wharf'.",
        ],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
