/**
 * Makes a plan: the desired ingestions (normalized from the loaded project) diffed against
 * the applied state, each change with its attribute diffs, SQL diff and data actions.
 * Pure: no I/O, the clock is passed in.
 */
import { WharfError } from '../diagnostics/errors.js';
import { configHash, ingestionHash } from '../state/normalize.js';
import type { NormalizedIngestion, PlanningState } from '../state/types.js';
import { latestCompleteDay, zoneOrThrow } from '../util/time.js';
import { diffAttributes } from './attribute-diff.js';
import { createActions, deleteActions, updateActions, type IngestionUpdate, type PlanClock } from './data-actions.js';
import { sharedChanges, sharedTypeOf } from './shared-changes.js';
import { sqlDiff } from './sql-diff.js';
import { summarize } from './summary.js';
import {
  PLAN_FORMAT_VERSION,
  type AttributeDiff,
  type MappingChange,
  type Plan,
  type ResourceChange,
} from './types.js';

/** Everything a plan is made from. */
export interface PlanInput {
  project: string;
  timeZone: string;
  desired: Record<string, NormalizedIngestion>;
  planning: PlanningState;
  now: Date;
  /** Mapping names to limit the plan to; empty for all. */
  targets?: string[];
  destroyData?: boolean;
}

/** Diffs config against state; throws when a target names no ingestion. */
export function makePlan(input: PlanInput): Plan {
  const clock: PlanClock = {
    now: input.now,
    latestCompleteDay: latestCompleteDay(input.now, zoneOrThrow(input.timeZone)),
  };
  const targets = [...new Set(input.targets ?? [])].sort();
  const applied = input.planning.state.ingestions;
  const names = [...new Set([...Object.keys(input.desired), ...Object.keys(applied)])].sort();
  checkTargets(targets, names);
  const chosen = targets.length ? names.filter((n) => targets.includes(n)) : names;
  const updates: SharedInput[] = [];
  const mappings = chosen.map((name) => changeFor(name, input, clock, updates));
  const changes: ResourceChange[] = [...mappings, ...sharedChanges(updates)];
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    project: input.project,
    createdAt: input.now.toISOString(),
    timeZone: input.timeZone,
    latestCompleteDay: clock.latestCompleteDay,
    state: { serial: input.planning.state.serial, lineage: input.planning.state.lineage },
    configHash: configHash(input.desired, input.timeZone),
    options: { targets, destroyData: input.destroyData ?? false },
    changes,
    summary: summarize(changes),
  };
}

function checkTargets(targets: string[], names: string[]): void {
  const unknown = targets.filter((t) => !names.includes(t));
  if (unknown.length === 0) return;
  throw new WharfError(`--target ${unknown.join(', ')}: no such mapping in the config or the applied state.`, {
    code: 'plan.unknown-target',
    errorClass: 'config',
    hint: `Use one of: ${names.join(', ') || '(no mappings)'}.`,
  });
}

type SharedInput = Parameters<typeof sharedChanges>[0][number];

function changeFor(name: string, input: PlanInput, clock: PlanClock, updates: SharedInput[]): MappingChange {
  const after = input.desired[name] ?? null;
  const applied = input.planning.state.ingestions[name];
  const before = applied?.config ?? null;
  const loaded = input.planning.loaded[name];
  const address = `mapping.${name}`;
  if (after && !before) return createChange(name, after, clock);
  if (before && !after) {
    return {
      address,
      type: 'mapping',
      name,
      action: 'delete',
      reason: 'mapping removed from the config',
      before,
      after: null,
      hash: applied.hash,
      attributes: [],
      dataActions: deleteActions(loaded, input.destroyData ?? false),
    };
  }
  const hash = ingestionHash(after as NormalizedIngestion);
  if (hash === applied.hash)
    return {
      address,
      type: 'mapping',
      name,
      action: 'no-op',
      reason: 'unchanged',
      hash,
      attributes: [],
      dataActions: [],
    };
  const update: IngestionUpdate = {
    before: before as NormalizedIngestion,
    after: after as NormalizedIngestion,
    loaded,
  };
  const change = updateChange(name, update, hash, clock);
  updates.push({ change, before: update.before, after: update.after, attributes: change.attributes });
  return detachShared(change, update, clock);
}

function createChange(name: string, after: NormalizedIngestion, clock: PlanClock): MappingChange {
  return {
    address: `mapping.${name}`,
    type: 'mapping',
    name,
    action: 'create',
    reason: 'new mapping in the config',
    before: null,
    after,
    hash: ingestionHash(after),
    attributes: diffAttributes(null, after),
    sqlDiff: sqlDiff(null, '', after.sqlFile, after.sqlText),
    dataActions: createActions(after, clock),
  };
}

function updateChange(name: string, update: IngestionUpdate, hash: string, clock: PlanClock): MappingChange {
  const { before, after } = update;
  const attributes = diffAttributes(before, after);
  const sqlChanged = before.sqlText !== after.sqlText;
  return {
    address: `mapping.${name}`,
    type: 'mapping',
    name,
    action: 'update',
    reason: `changed: ${labels(attributes)}`,
    before,
    after,
    hash,
    attributes,
    ...(sqlChanged ? { sqlDiff: sqlDiff(before.sqlFile, before.sqlText, after.sqlFile, after.sqlText) } : {}),
    dataActions: updateActions(update, attributes, clock),
  };
}

/** Moves the attributes of a source or schedule the mapping keeps using to that address (see shared-changes.ts). */
function detachShared(change: MappingChange, update: IngestionUpdate, clock: PlanClock): MappingChange {
  const { before, after } = update;
  const own = change.attributes.filter((a) => !sharedTypeOf(a.path, before, after));
  if (own.length === change.attributes.length) return change;
  const via = [
    ...new Set(
      change.attributes
        .map((a) => sharedTypeOf(a.path, before, after))
        .filter((t) => t !== null)
        .map((t) => `${t}.${after.mapping[t]}`),
    ),
  ].sort();
  const follows = `follows ${via.join(', ')}`;
  if (own.length === 0) return { ...change, attributes: [], reason: follows, dataActions: [], via };
  return {
    ...change,
    attributes: own,
    reason: `changed: ${labels(own)}; ${follows}`,
    dataActions: updateActions(update, own, clock),
    via,
  };
}

function labels(attributes: AttributeDiff[]): string {
  return [...new Set(attributes.map((a) => (a.path === 'sqlText' ? 'SQL' : a.path)))].join(', ');
}
