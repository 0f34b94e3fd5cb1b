/**
 * Golden plan cases: test/fixtures/plan/<case>/ holds `case.json` (the clock, the loaded days,
 * options), `before/` and `after/` overlays on the shared `_base/` project, and the expected
 * outputs: `state.json` (the prior state snapshot, made from `before/`), `plan.json`,
 * `plan.txt` and `plan.md`. `npm run golden:plan` rewrites the expected files; the golden
 * test compares them.
 */
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProject } from '../../framework/config/loader.js';
import type { LoadedProject } from '../../framework/config/project.js';
import { planAgainst } from '../../framework/apply/operations.js';
import { serializePlan } from '../../framework/plan/plan-file.js';
import { ingestionHash, normalizeProject } from '../../framework/state/normalize.js';
import { summarizeLoadedDays, type LoadedDay } from '../../framework/state/loaded-days.js';
import { fromSnapshot, serializeSnapshot, toSnapshot } from '../../framework/state/snapshot.js';
import { emptyState, type AppliedState } from '../../framework/state/types.js';
import { addDays, dayRange } from '../../framework/util/time.js';
import { renderPlanHuman } from '../../framework/views/plan/human.js';
import { renderPlanMarkdown } from '../../framework/views/plan/markdown.js';

const here = dirname(fileURLToPath(import.meta.url));
export const PLAN_FIXTURES = resolve(here, '../fixtures/plan');
const REPO_ROOT = resolve(here, '../..');

interface Overlay {
  remove?: string[];
}

export interface GoldenCase {
  description: string;
  now: string;
  /** Null: nothing applied yet. */
  before: Overlay | null;
  after: Overlay;
  serial?: number;
  loaded?: { ingestion: string; from: string; to: string }[];
  targets?: string[];
  destroyData?: boolean;
}

export const GOLDEN_FILES = ['state.json', 'plan.json', 'plan.txt', 'plan.md'] as const;

export function goldenCases(): string[] {
  return readdirSync(PLAN_FIXTURES)
    .filter((n) => !n.startsWith('_') && existsSync(join(PLAN_FIXTURES, n, 'case.json')))
    .sort();
}

/** A project made of `_base/` plus an overlay folder, minus removed files, in a temp folder. */
export async function overlayProject(
  caseDir: string,
  side: 'before' | 'after',
  overlay: Overlay,
): Promise<LoadedProject> {
  const root = mkdtempSync(join(tmpdir(), `wharf-golden-${side}-`));
  cpSync(join(PLAN_FIXTURES, '_base'), root, { recursive: true });
  if (existsSync(join(caseDir, side))) cpSync(join(caseDir, side), root, { recursive: true });
  for (const file of overlay.remove ?? []) rmSync(join(root, file));
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'));
  writeFileSync(join(root, 'package.json'), '{ "private": true, "type": "module" }\n');
  const result = await loadProject(root);
  if (!result.project)
    throw new Error(`${caseDir} ${side}: ${result.diagnostics.map((d) => `${d.file}: ${d.summary}`).join('; ')}`);
  return result.project;
}

/** Loaded days first loaded the day after, at 09:00 PST, as a daily schedule would. */
function loadedDays(c: GoldenCase): LoadedDay[] {
  return (c.loaded ?? []).flatMap((l) =>
    dayRange(l.from, l.to).map((date) => ({
      ingestion: l.ingestion,
      date,
      firstLoadedAt: new Date(`${addDays(date, 1)}T17:00:00Z`),
    })),
  );
}

async function priorState(caseDir: string, c: GoldenCase): Promise<AppliedState> {
  if (!c.before) return emptyState();
  const project = await overlayProject(caseDir, 'before', c.before);
  const ingestions: AppliedState['ingestions'] = {};
  for (const [name, config] of Object.entries(normalizeProject(project)))
    ingestions[name] = { name, config, hash: ingestionHash(config), appliedSerial: c.serial ?? 1 };
  return { formatVersion: 1, serial: c.serial ?? 1, lineage: '00000000-0000-4000-8000-000000000001', ingestions };
}

/** Every expected output of a case, computed. */
export async function renderCase(name: string): Promise<Record<(typeof GOLDEN_FILES)[number], string>> {
  const caseDir = join(PLAN_FIXTURES, name);
  const c = JSON.parse(readFileSync(join(caseDir, 'case.json'), 'utf8')) as GoldenCase;
  const now = new Date(c.now);
  const state = await priorState(caseDir, c);
  const snapshotText = serializeSnapshot(toSnapshot({ state, loaded: summarizeLoadedDays(loadedDays(c), now) }, now));
  const planning = fromSnapshot(JSON.parse(snapshotText));
  const project = await overlayProject(caseDir, 'after', c.after);
  const plan = planAgainst(project, planning, { now, targets: c.targets, destroyData: c.destroyData });
  return {
    'state.json': snapshotText,
    'plan.json': serializePlan(plan),
    'plan.txt': `${renderPlanHuman(plan)}\n`,
    'plan.md': `${renderPlanMarkdown(plan)}\n`,
  };
}

/** Rewrites every case's expected files. */
export async function writeGoldens(): Promise<void> {
  for (const name of goldenCases()) {
    const outputs = await renderCase(name);
    for (const file of GOLDEN_FILES) writeFileSync(join(PLAN_FIXTURES, name, file), outputs[file]);
    console.log(`wrote ${name}`);
  }
}
