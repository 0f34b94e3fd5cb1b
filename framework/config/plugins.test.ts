import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProject } from './loader.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
let root: string;

function write(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

function link(pkg: string, target: string): void {
  mkdirSync(dirname(join(root, 'node_modules', pkg)), { recursive: true });
  symlinkSync(join(repo, target), join(root, 'node_modules', pkg), 'dir');
}

function mapping(name: string, source: string): string {
  return `import { defineMapping } from '@wharf/framework';
export default defineMapping({
  name: '${name}', dataset: 'metrics', source: '${source}', sql: './${name}.sql', schedule: 'daily', startDate: '2024-01-01',
  columns: { unit_id: 'unit_id', id_type: { constant: 'user_id' }, date: 'ds', metric_name: 'metric', metric_value: 'value' },
});
`;
}

/** Two sources: `bricks` from an installed plugin, `lake` from @wharf/plugin-athena, which is not installed. */
function writeProject(): void {
  root = mkdtempSync(join(tmpdir(), 'wharf-plugins-'));
  write('package.json', '{ "name": "plugin-project", "private": true, "type": "module" }\n');
  link('@wharf/framework', 'framework');
  link('@wharf/plugin-databricks', 'plugins/databricks');
  write(
    'wharf.config.ts',
    `import { defineProject } from '@wharf/framework';
export default defineProject({ name: 'p', plugins: ['@wharf/plugin-databricks', '@wharf/plugin-athena'] });
`,
  );
  write(
    'sources/bricks.ts',
    `import { defineSource, env } from '@wharf/framework';
export default defineSource({ kind: 'databricks', name: 'bricks', host: 'https://adb-1.azuredatabricks.net', warehouseId: 'w1', token: env('DATABRICKS_TOKEN') });
`,
  );
  write(
    'sources/lake.ts',
    `import { defineSource } from '@wharf/framework';
export default { kind: 'athena', name: 'lake', region: 'us-east-1', database: 'analytics' };
`,
  );
  write(
    'schedules/daily.ts',
    `import { defineSchedule } from '@wharf/framework';
export default defineSchedule({ kind: 'daily', name: 'daily', at: '09:00' });
`,
  );
  for (const [name, source] of [
    ['bricks_metrics', 'bricks'],
    ['lake_metrics', 'lake'],
    ['lake_revenue', 'lake'],
  ]) {
    write(`mappings/${name}.ts`, mapping(name, source));
    write(`mappings/${name}.sql`, 'SELECT unit_id, ds, metric, value FROM t\n');
  }
}

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('a plugin whose package cannot be resolved', () => {
  it('is an error on its plugins entry and on the sources and mappings that use it, saying what to install', async () => {
    writeProject();
    const { project, diagnostics } = await loadProject(root);
    expect(project).toBeNull();
    const errors = diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.file, d.field, d.code])).toEqual([
      ['mappings/lake_metrics.ts', 'source', 'mapping.source-unavailable'],
      ['mappings/lake_revenue.ts', 'source', 'mapping.source-unavailable'],
      ['sources/lake.ts', 'kind', 'source.unknown-kind'],
      ['wharf.config.ts', 'plugins[1]', 'project.plugin-unavailable'],
    ]);
    for (const d of errors) expect(`${d.summary} ${d.hint ?? ''}`).toContain('npm install @wharf/plugin-athena');
    expect(errors.map((d) => `${d.summary} ${d.hint ?? ''}`).join('\n')).not.toContain('plugin-databricks');
  });

  it('loads cleanly once the package is installed', async () => {
    writeProject();
    link('@wharf/plugin-athena', 'plugins/athena');
    const { project, diagnostics } = await loadProject(root);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect([...project!.sources.keys()].sort()).toEqual(['bricks', 'lake']);
  });

  it("validates plugin sources against the plugin's config schema", async () => {
    writeProject();
    link('@wharf/plugin-athena', 'plugins/athena');
    write('sources/lake.ts', `export default { kind: 'athena', name: 'lake', region: 'us-east-1' };\n`);
    const { diagnostics } = await loadProject(root);
    const errors = diagnostics.filter((d) => d.severity === 'error');
    expect(errors.some((d) => d.file === 'sources/lake.ts' && /database/.test(`${d.field} ${d.summary}`))).toBe(true);
  });
});

describe('notifier plugins', () => {
  it('accepts targets of a plugin notifier kind and checks every target against its own schema', async () => {
    writeProject();
    link('@wharf/plugin-athena', 'plugins/athena');
    link('@wharf/plugin-template', 'plugins/template');
    write(
      'wharf.config.ts',
      `import { defineProject, env } from '@wharf/framework';
export default defineProject({
  name: 'p',
  plugins: ['@wharf/plugin-databricks', '@wharf/plugin-athena', '@wharf/plugin-template'],
  notifications: { targets: [
    { kind: 'template_chat', url: env('CHAT_URL') },
    { kind: 'slack' },
    { kind: 'template_chat', url: 'https://plain.example/hook' },
    { kind: 'pager', to: 'ops' },
  ] },
});
`,
    );
    const { diagnostics } = await loadProject(root);
    const errors = diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => d.field).sort()).toEqual(
      ['notifications.targets[1].webhookUrl', 'notifications.targets[2].url', 'notifications.targets[3].kind'].sort(),
    );
    expect(errors.find((d) => d.field === 'notifications.targets[3].kind')?.summary).toContain(
      "Unknown notifier kind 'pager'",
    );
  });
});
