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
    expect(experiment.config.metrics.map((m) => m.name)).toEqual(['revenue', 'revenue_total', 'sessions', 'checkout_conversion']);
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
});
