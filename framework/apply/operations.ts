/**
 * The state operations the CLI (and later the agent) start: plan a project against the store
 * or the repository snapshot, export the snapshot, and apply. Each opens what it needs and
 * closes it; none prints anything.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedProject } from '../config/project.js';
import { makePlan } from '../plan/make-plan.js';
import type { Plan } from '../plan/types.js';
import { configHash, normalizeProject } from '../state/normalize.js';
import { openStateStore } from '../state/open-state-store.js';
import { readPlanningState } from '../state/planning-state.js';
import {
  fromSnapshot,
  readSnapshotFile,
  toSnapshot,
  writeSnapshotFile,
  type StateSnapshot,
} from '../state/snapshot.js';
import { emptyState, type PlanningState } from '../state/types.js';
import type { StoreConnection } from '../store/types.js';
import { internalError } from '../diagnostics/errors.js';

export type StateSource = 'store' | 'repo';

export interface PlanOptions {
  now: Date;
  targets?: string[];
  destroyData?: boolean;
}

/** Where the snapshot lives: `<statusDir>/state.json` in the project. */
export function snapshotPath(project: LoadedProject): { absolute: string; relative: string } {
  const relative = join(project.settings.statusDir, 'state.json');
  return { absolute: join(project.root, relative), relative };
}

/** Plans a project against a planning state already read. */
export function planAgainst(project: LoadedProject, planning: PlanningState, options: PlanOptions): Plan {
  return makePlan({
    project: project.settings.name,
    timeZone: project.settings.timeZone,
    desired: normalizeProject(project),
    planning,
    now: options.now,
    targets: options.targets,
    destroyData: options.destroyData,
  });
}

/**
 * True when the project has no `status/state.json` yet: nothing was ever exported, so a plan
 * against the repository starts from empty state (as Terraform plans without a state file).
 */
export function repoSnapshotMissing(project: LoadedProject): boolean {
  return !existsSync(snapshotPath(project).absolute);
}

/**
 * Reads the planning state from the store (open connection) or from the repository snapshot;
 * a repository without a snapshot has empty state (nothing applied, nothing loaded).
 */
export async function readPlanningFrom(
  project: LoadedProject,
  source: StateSource,
  now: Date,
  connection?: StoreConnection,
): Promise<PlanningState> {
  if (source === 'repo') {
    const path = snapshotPath(project);
    if (repoSnapshotMissing(project)) return { state: emptyState(), loaded: {} };
    return fromSnapshot(readSnapshotFile(path.absolute, path.relative));
  }
  if (!connection) throw internalError('readPlanningFrom(store) needs an open store connection');
  return readPlanningState(connection, now);
}

/** Opens the project's store for a state operation. */
export function openProjectStore(
  project: LoadedProject,
  operation: string,
  lockTimeoutMs: number,
): Promise<StoreConnection> {
  return openStateStore(project.settings.store, project.root, { operation, lockTimeoutMs });
}

/** Plans a project, opening and closing the store when the state comes from it. */
export async function planProject(
  project: LoadedProject,
  source: StateSource,
  options: PlanOptions & { lockTimeoutMs?: number },
): Promise<Plan> {
  if (source === 'repo') return planAgainst(project, await readPlanningFrom(project, 'repo', options.now), options);
  const connection = await openProjectStore(project, 'plan', options.lockTimeoutMs ?? 0);
  try {
    return planAgainst(project, await readPlanningFrom(project, 'store', options.now, connection), options);
  } finally {
    await connection.close();
  }
}

/** Writes `status/state.json` from the store; returns the snapshot and where it went. */
export async function exportState(
  project: LoadedProject,
  now: Date,
  lockTimeoutMs = 0,
): Promise<{ snapshot: StateSnapshot; file: string }> {
  const connection = await openProjectStore(project, 'state export', lockTimeoutMs);
  try {
    const snapshot = toSnapshot(await readPlanningState(connection, now), now);
    const path = snapshotPath(project);
    writeSnapshotFile(path.absolute, snapshot);
    return { snapshot, file: path.relative };
  } finally {
    await connection.close();
  }
}

/** The project's current config hash, which a saved plan must match. */
export function currentConfigHash(project: LoadedProject): string {
  return configHash(normalizeProject(project), project.settings.timeZone);
}
