import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../../framework/config/loader.js';
import { copyExampleProject, editFile, REPO_ROOT } from '../support/example-project.js';

const run = promisify(execFile);
const INGEST = join(REPO_ROOT, 'node_modules/.bin/ingest');

interface ValidateOutput {
  valid: boolean;
  diagnostics: { file?: string; field?: string; code: string; summary: string; hint?: string }[];
}

/** Runs `ingest validate --json` in a project folder; resolves with exit code and parsed output. */
async function validateCli(dir: string, flags: string[] = []): Promise<{ code: number; output: ValidateOutput }> {
  try {
    const { stdout } = await run(INGEST, ['validate', '--json', '--project', dir, ...flags]);
    return { code: 0, output: JSON.parse(stdout) };
  } catch (err) {
    const e = err as { code: number; stdout: string };
    return { code: e.code, output: JSON.parse(e.stdout) };
  }
}

describe('ingest validate', () => {
  it('accepts the example configuration', async () => {
    const result = await loadProject(REPO_ROOT);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect([...result.project!.mappings.keys()].sort()).toEqual(['app_events', 'checkout_conversion', 'daily_metrics']);
    const { code, output } = await validateCli(REPO_ROOT);
    expect(code).toBe(0);
    expect(output.valid).toBe(true);
  });

  it('reports five different problems in one run, each with its file and field, and exits 1', async () => {
    const dir = copyExampleProject();
    try {
      // (a) a mapping naming a source that does not exist
      editFile(dir, 'mappings/app_events.ts', (t) => t.replace("source: 'demo'", "source: 'warehouse_prod'"));
      // (b) a misspelled field in a source
      editFile(dir, 'sources/demo.ts', (t) => t.replace("path: '.wharf", "pahth: '.wharf"));
      // (c) metric_name mapped to nothing
      editFile(dir, 'mappings/daily_metrics.ts', (t) => t.replace("metric_name: 'metric',", ''));
      // (d) a constant id type that is not declared
      editFile(dir, 'mappings/checkout_conversion.ts', (t) =>
        t.replace("{ constant: 'user_id' }", "{ constant: 'company_id' }"),
      );
      // (e) a SQL file that does not exist
      rmSync(join(dir, 'mappings/checkout_conversion.sql'));

      const { code, output } = await validateCli(dir);
      expect(code).toBe(1);
      expect(output.valid).toBe(false);
      const found = output.diagnostics.map((d) => `${d.file} ${d.field} ${d.code}`);
      expect(found).toEqual(
        expect.arrayContaining([
          'mappings/app_events.ts source mapping.unknown-source',
          'sources/demo.ts pahth schema.unknown-field',
          'mappings/daily_metrics.ts columns.metric_name schema.missing-field',
          'mappings/checkout_conversion.ts columns.id_type mapping.undeclared-id-type',
          'mappings/checkout_conversion.ts sql mapping.sql-missing',
        ]),
      );
      // Every message says what to do or names the offending value.
      const undeclared = output.diagnostics.find((d) => d.code === 'mapping.undeclared-id-type');
      expect(undeclared?.summary).toContain("'company_id'");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a module that does not load, with its line, and keeps checking the others', async () => {
    const dir = copyExampleProject();
    try {
      editFile(dir, 'schedules/api.ts', (t) =>
        t.replace('export default', 'throw new Error("broken module");\nexport default'),
      );
      const result = await loadProject(dir);
      const line =
        readFileSync(join(dir, 'schedules/api.ts'), 'utf8')
          .split('\n')
          .findIndex((l) => l.includes('broken module')) + 1;
      expect(result.diagnostics.map((d) => [d.file, d.line, d.code, d.summary])).toEqual([
        ['schedules/api.ts', line, 'module.import-failed', 'The module could not be loaded: broken module'],
      ]);
      // The mapping that uses the broken schedule gets no second, false "not defined" error:
      // the schedule's name is read from the module's source text.
      expect(result.project).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ingest validate --queries', () => {
  it(
    'reports, on the mapping, a column its SQL no longer returns and a day column that cannot hold a day',
    {
      timeout: 120_000,
    },
    async () => {
      const dir = copyExampleProject();
      try {
        const fine = await validateCli(dir, ['--queries']);
        expect(fine.code).toBe(0);
        expect(fine.output.diagnostics).toEqual([]);

        editFile(dir, 'mappings/app_events.sql', (sql) => sql.replace(/user_json\s*\n/, 'user_json AS usr\n'));
        editFile(dir, 'mappings/daily_metrics.ts', (t) => t.replace("date: 'ds'", "date: 'value'"));
        // Without --queries nothing is run, so nothing is found.
        expect((await validateCli(dir)).code).toBe(0);
        const { code, output } = await validateCli(dir, ['--queries']);
        expect(code).toBe(1);
        expect(output.diagnostics.map((d) => [d.file, d.code])).toEqual([
          ['mappings/app_events.ts', 'mapping.column-missing'],
          ['mappings/daily_metrics.ts', 'query.day-column'],
        ]);
        expect(output.diagnostics[0].summary).toContain("does not return: user → 'user_json'");
        expect(output.diagnostics[0].hint).toContain(
          'The query returns: event_id, event_time, event, value, properties, usr.',
        );
        expect(output.diagnostics[1].summary).toContain("to column 'value', which is of type double");
      } finally {
        rmSync(join(dir), { recursive: true, force: true });
      }
    },
  );
});

describe('names that do not exist', () => {
  it('suggest the closest defined schedule, source, dataset and source kind', async () => {
    const dir = copyExampleProject();
    try {
      editFile(dir, 'mappings/app_events.ts', (t) => t.replace("schedule: 'daily_9am'", "schedule: 'daily_9m'"));
      editFile(dir, 'sources/demo.ts', (t) =>
        t.replace("kind: 'duckdb'", "kind: 'duckd'").replace("generate: 'demo'", "generat: 'demo'"),
      );
      editFile(dir, 'mappings/checkout_conversion.ts', (t) =>
        t
          .replace("source: 'demo'", "source: 'demos'")
          .replace("dataset: 'metrics'", "dataset: 'metric'")
          .replace("unit_id: 'unit_id'", "unit_ide: 'unit_id'"),
      );
      const result = await loadProject(dir);
      expect(result.diagnostics.map((d) => [d.file, d.field, d.summary])).toEqual([
        ['mappings/app_events.ts', 'schedule', "The schedule 'daily_9m' is not defined. Did you mean 'daily_9am'?"],
        ['mappings/checkout_conversion.ts', 'dataset', 'Unknown mapping dataset "metric". Did you mean \'metrics\'?'],
        ['mappings/checkout_conversion.ts', 'source', "The source 'demos' is not defined. Did you mean 'demo'?"],
        // The misspelled dataset does not hide the misspelled column: the mapping is checked as a metrics mapping.
        ['mappings/checkout_conversion.ts', 'columns.unit_ide', "Unknown field 'unit_ide'. Did you mean 'unit_id'?"],
        ['sources/demo.ts', 'kind', 'Unknown source kind "duckd". Did you mean \'duckdb\'?'],
        ['sources/demo.ts', 'generat', "Unknown field 'generat'. Did you mean 'generate'?"],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a project config with an error', () => {
  it('still applies its well-typed settings, so other modules get no false errors', async () => {
    const dir = copyExampleProject();
    try {
      editFile(dir, 'wharf.config.ts', (t) =>
        t.replace('customIdTypes: [],', "customIdTypes: ['company_id'],").replace("timeZone: 'PST'", "timezone: 'PST'"),
      );
      editFile(dir, 'mappings/checkout_conversion.ts', (t) =>
        t.replace("{ constant: 'user_id' }", "{ constant: 'company_id' }"),
      );
      const result = await loadProject(dir);
      expect(result.diagnostics.map((d) => [d.file, d.field, d.summary])).toEqual([
        ['wharf.config.ts', 'timezone', "Unknown field 'timezone'. Did you mean 'timeZone'?"],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('typed config modules', () => {
  it('make a misspelled field a type error in the user repository', async () => {
    const dir = copyExampleProject();
    try {
      editFile(dir, 'schedules/daily.ts', (t) => t.replace("retryEvery: '1h'", "retryEvery: '1h',\n  cutof: '12h'"));
      const tsc = join(REPO_ROOT, 'node_modules/.bin/tsc');
      const failure = await run(tsc, ['--noEmit', '-p', join(dir, 'tsconfig.json')]).then(
        () => null,
        (err: { stdout: string }) => err.stdout,
      );
      expect(failure).toMatch(/schedules\/daily\.ts.*'cutof' does not exist in type 'DailySchedule'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
