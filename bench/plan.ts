/**
 * `npm run bench:plan`: times `ingest plan` over a generated project of 1,000 mappings and one
 * of 10, in one run. Each project is written to a temp folder, applied to a DuckDB store with
 * 51 loaded days per mapping, then 1 in 10 SQL files is changed and planned twice: as a user
 * runs it (`ingest plan` in a new process, wall time) and in process (loading the config,
 * reading state and ledger, diffing and rendering all three views), with a breakdown.
 * Targets: the 1,000-mapping plan under 5 s, and under 10× the 10-mapping plan.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { openProjectStore, planProject } from '../framework/apply/operations.js';
import { loadProject } from '../framework/config/loader.js';
import { makePlan } from '../framework/plan/make-plan.js';
import { ingestionHash, normalizeProject } from '../framework/state/normalize.js';
import { writeState } from '../framework/state/store-state.js';
import { timestampParam } from '../framework/state/sql-values.js';
import { emptyState } from '../framework/state/types.js';
import { addDays, dayRange } from '../framework/util/time.js';
import { planView } from '../framework/views/plan-view.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const NOW = new Date('2026-11-22T06:00:00Z');

function generate(count: number): string {
  const root = mkdtempSync(join(tmpdir(), `wharf-bench-${count}-`));
  for (const dir of ['sources', 'mappings', 'schedules']) mkdirSync(join(root, dir));
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
  writeFileSync(join(root, 'package.json'), '{ "private": true, "type": "module" }\n');
  writeFileSync(
    join(root, 'wharf.config.ts'),
    "import { defineProject } from '@wharf/framework';\nexport default defineProject({ name: 'bench' });\n",
  );
  writeFileSync(
    join(root, 'sources/demo.ts'),
    "import { defineSource } from '@wharf/framework';\nexport default defineSource({ kind: 'duckdb', name: 'demo', path: 'warehouse.duckdb' });\n",
  );
  writeFileSync(
    join(root, 'schedules/daily.ts'),
    "import { defineSchedule } from '@wharf/framework';\nexport default defineSchedule({ kind: 'daily', name: 'daily', at: '09:00' });\n",
  );
  for (let i = 0; i < count; i++) {
    const name = `metric_${String(i).padStart(4, '0')}`;
    writeFileSync(
      join(root, `mappings/${name}.ts`),
      `import { defineMapping } from '@wharf/framework';\nexport default defineMapping({ name: '${name}', dataset: 'metrics', source: 'demo', sql: './${name}.sql', schedule: 'daily', startDate: '2026-10-01', columns: { unit_id: 'unit_id', id_type: 'id_type', date: 'ds', metric_name: 'metric', metric_value: 'value' } });\n`,
    );
    writeFileSync(
      join(root, `mappings/${name}.sql`),
      `SELECT unit_id, id_type, ds, metric, value\nFROM metrics_${i}\n`,
    );
  }
  return root;
}

/** Applies the generated config and writes 51 loaded days per mapping into the ledger. */
async function applyAndLoad(root: string): Promise<void> {
  const project = (await loadProject(root)).project;
  if (!project) throw new Error('generated project is invalid');
  const desired = normalizeProject(project);
  const plan = makePlan({
    project: 'bench',
    timeZone: 'PST',
    desired,
    planning: { state: emptyState(), loaded: {} },
    now: NOW,
  });
  const store = await openProjectStore(project, 'bench', 0);
  try {
    await writeState(store, {
      expectSerial: 0,
      expectLineage: null,
      deletes: [],
      upserts: plan.changes
        .filter((c) => c.type === 'mapping')
        .map((c) => ({ name: c.name, config: desired[c.name], hash: ingestionHash(desired[c.name]) })),
    });
    await store.exec(
      'CREATE TABLE ledger (ingestion VARCHAR NOT NULL, "date" DATE NOT NULL, status VARCHAR NOT NULL, first_loaded_at TIMESTAMP)',
    );
    const values = Object.keys(desired).flatMap((name) =>
      dayRange('2026-10-01', '2026-11-20').map(
        (d) =>
          `('${name}', DATE '${d}', 'succeeded', TIMESTAMP '${timestampParam(new Date(`${addDays(d, 1)}T17:00:00Z`))}')`,
      ),
    );
    for (let i = 0; i < values.length; i += 5000)
      await store.exec(`INSERT INTO ledger VALUES ${values.slice(i, i + 5000).join(', ')}`);
  } finally {
    await store.close();
  }
  for (let i = 0; i < Object.keys(desired).length; i += 10)
    writeFileSync(
      join(root, `mappings/metric_${String(i).padStart(4, '0')}.sql`),
      `SELECT unit_id, id_type, ds, metric, value\nFROM metrics_${i}_v2\n`,
    );
}

async function timePlan(root: string): Promise<{ ms: number; loadMs: number; summary: string }> {
  const start = performance.now();
  const project = (await loadProject(root)).project;
  if (!project) throw new Error('generated project is invalid');
  const loaded = performance.now();
  const plan = await planProject(project, 'store', { now: NOW });
  for (const format of ['human', 'json', 'markdown'] as const) planView(format).render(plan);
  const s = plan.summary;
  return {
    ms: performance.now() - start,
    loadMs: loaded - start,
    summary: `${s.add} add, ${s.change} change, ${s.unchanged} unchanged, ${s.daysToLoad} days to load`,
  };
}

/** `ingest plan` as a user runs it: a new process, wall time. */
function timeCli(root: string): number {
  const start = performance.now();
  const r = spawnSync(process.execPath, [join(REPO, 'framework/bin/run.js'), 'plan', '--project', root], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (r.status !== 0) throw new Error(`ingest plan failed: ${r.stderr}`);
  return performance.now() - start;
}

const small = generate(10);
const large = generate(1000);
await applyAndLoad(small);
await applyAndLoad(large);
const verdict = (label: string, ten: number, thousand: number) => {
  const ratio = thousand / ten;
  console.log(
    `${label}: 10 mappings ${ten.toFixed(0)} ms, 1000 mappings ${thousand.toFixed(0)} ms, ratio ${ratio.toFixed(1)}x (targets: < 5000 ms ${thousand < 5000 ? 'met' : 'MISSED'}, < 10x ${ratio < 10 ? 'met' : 'MISSED'})`,
  );
};
const cliTen = timeCli(small);
const cliThousand = timeCli(large);
const ten = await timePlan(small);
const thousand = await timePlan(large);
verdict('ingest plan (new process, wall time)', cliTen, cliThousand);
verdict('plan in process', ten.ms, thousand.ms);
console.log(
  `  in process, 10 mappings: config load ${ten.loadMs.toFixed(0)} ms, state + diff + 3 views ${(ten.ms - ten.loadMs).toFixed(0)} ms (${ten.summary})`,
);
console.log(
  `  in process, 1000 mappings: config load ${thousand.loadMs.toFixed(0)} ms, state + diff + 3 views ${(thousand.ms - thousand.loadMs).toFixed(0)} ms (${thousand.summary})`,
);
