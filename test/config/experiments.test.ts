import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../../framework/config/loader.js';
import { copyExampleProject, editFile, REPO_ROOT } from '../support/example-project.js';

describe('experiment modules', () => {
  it('loads the example experiment', async () => {
    const result = await loadProject(REPO_ROOT);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const experiment = result.project!.experiments.get('checkout_button')!;
    expect(experiment.file).toBe('experiments/checkout_button.ts');
    expect(experiment.config.metrics.map((m) => m.name)).toEqual([
      'revenue',
      'revenue_total',
      'sessions',
      'checkout_conversion',
    ]);
  });

  it('reports every broken rule of an experiment, each with its file and field', async () => {
    const dir = copyExampleProject();
    try {
      editFile(dir, 'experiments/checkout_button.ts', (t) =>
        t
          .replace("ingestion: 'app_events'", "ingestion: 'daily_metrics'")
          .replace("{ name: 'test', split: 0.5 }", "{ name: 'test', split: 0.6, control: true }")
          .replace("idType: 'user_id'", "idType: 'User_ID'")
          .replace("startDate: '2026-10-01'", "startDate: '2026-10-01',\n  endDate: '2026-09-30'")
          .replace("ingestion: 'checkout_conversion'", "ingestion: 'nope'")
          .replace("{ name: 'sessions'", "{ name: 'revenue'"),
      );
      const result = await loadProject(dir);
      expect(result.project).toBeNull();
      const found = result.diagnostics.map((d) => `${d.file} ${d.field} ${d.code}`);
      const file = 'experiments/checkout_button.ts';
      expect(found).toEqual(
        expect.arrayContaining([
          `${file} exposure.ingestion experiment.ingestion-dataset`,
          `${file} groups experiment.control`,
          `${file} groups experiment.split`,
          `${file} idType experiment.undeclared-id-type`,
          `${file} endDate experiment.end-before-start`,
          `${file} metrics[3].ingestion experiment.unknown-ingestion`,
          `${file} metrics[2].name experiment.duplicate-metric`,
        ]),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accepts percentages summing to 100, and checks a SQL exposure file exists', async () => {
    const dir = copyExampleProject();
    try {
      editFile(dir, 'experiments/checkout_button.ts', (t) => t.replace(/split: 0\.5/g, 'split: 50'));
      expect((await loadProject(dir)).project).not.toBeNull();
      writeFileSync(
        join(dir, 'experiments/sql_exposures.ts'),
        "import { defineExperiment } from '@wharf/framework';\nexport default defineExperiment({ name: 'sql_exposures', exposure: { kind: 'sql', sql: './missing.sql' }, idType: 'user_id', groups: [{ name: 'a', split: 1, control: true }, { name: 'b', split: 1 }], startDate: '2026-10-01', metrics: [{ name: 'revenue', source: 'metrics', ingestion: 'daily_metrics', aggregation: 'sum' }] });\n",
      );
      const result = await loadProject(dir);
      const codes = result.diagnostics.map((d) => `${d.file} ${d.code}`);
      expect(codes).toContain('experiments/sql_exposures.ts experiment.sql-missing');
      expect(codes).toContain('experiments/sql_exposures.ts experiment.split');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('checks the warehouse: the source exists (with a suggestion), can host the pipeline, and is where the ingestions run', async () => {
    const dir = copyExampleProject();
    try {
      editFile(dir, 'experiments/checkout_button.ts', (t) =>
        t.replace("  owner: 'growth-team@example.com',", "  owner: 'growth-team@example.com',\n  warehouse: 'demo',"),
      );
      const ok = await loadProject(dir);
      expect(ok.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(ok.project!.experiments.get('checkout_button')!.config.warehouse).toBe('demo');

      editFile(dir, 'experiments/checkout_button.ts', (t) => t.replace("warehouse: 'demo'", "warehouse: 'demoo'"));
      const unknown = await loadProject(dir);
      const diagnostic = unknown.diagnostics.find((d) => d.code === 'experiment.unknown-warehouse');
      expect(diagnostic).toMatchObject({ file: 'experiments/checkout_button.ts', field: 'warehouse' });
      expect(diagnostic?.summary).toContain("Did you mean 'demo'?");

      editFile(dir, 'experiments/checkout_button.ts', (t) => t.replace("warehouse: 'demoo'", "warehouse: 'lake'"));
      writeFileSync(
        join(dir, 'sources/lake.ts'),
        "import { defineSource } from '@wharf/framework';\nexport default defineSource({ kind: 's3', name: 'lake', bucket: 'b', prefix: 'p', region: 'us-east-1' });\n",
      );
      const codes = (await loadProject(dir)).diagnostics.map((d) => `${d.field} ${d.code}`);
      expect(codes).toContain('warehouse experiment.warehouse-unsupported');

      writeFileSync(
        join(dir, 'sources/other.ts'),
        "import { defineSource } from '@wharf/framework';\nexport default defineSource({ kind: 'duckdb', name: 'other', path: 'other.duckdb' });\n",
      );
      editFile(dir, 'experiments/checkout_button.ts', (t) => t.replace("warehouse: 'lake'", "warehouse: 'other'"));
      const elsewhere = (await loadProject(dir)).diagnostics.map((d) => `${d.field} ${d.code}`);
      expect(elsewhere).toEqual(
        expect.arrayContaining([
          'exposure.ingestion experiment.warehouse-ingestion',
          'metrics[0].ingestion experiment.warehouse-ingestion',
        ]),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
