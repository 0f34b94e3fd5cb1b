/**
 * A plan is plain data: what `apply` will change in the applied state, and the data actions
 * that follow. It records the state (serial, lineage) and the config hash it was made
 * against, so a stale plan is refused. `reason` fields explain the plan to people; apply never
 * branches on them. This is also the public JSON format (docs/plan.md): change it only with
 * a new `formatVersion`.
 */
import type { RestatePolicy, ScheduleConfig, SourceConfig } from '../config/types.js';
import type { DayRange, NormalizedIngestion } from '../state/types.js';

/** Bumped on any incompatible change to the plan format (2: sources and schedules as their own changes). */
export const PLAN_FORMAT_VERSION = 2;

export type ChangeAction = 'create' | 'update' | 'delete' | 'no-op';

/** One attribute that differs, by its path in the normalized ingestion (e.g. `mapping.columns.user`). */
export interface AttributeDiff {
  path: string;
  action: 'add' | 'change' | 'remove';
  before?: unknown;
  after?: unknown;
}

/** Load days through the engine: the initial backfill, a restatement, or a start-date extension. */
export interface LoadAction {
  kind: 'load';
  purpose: 'backfill' | 'restate';
  ranges: DayRange[];
  days: number;
  /** The restate policy that chose these days (restatements only). */
  policy?: RestatePolicy;
  reason: string;
}

/** Delete an ingestion's loaded data (only with `--destroy-data`). */
export interface DropAction {
  kind: 'drop';
  /** Loaded days that will be deleted. */
  days: number;
  reason: string;
}

/** Nothing happens to the data; said out loud so reviewers see it was considered. */
export interface NoDataAction {
  kind: 'none';
  reason: string;
}

export type DataAction = LoadAction | DropAction | NoDataAction;

/** One ingestion's change. `before`/`after` are null for a create/delete and absent for a no-op. */
export interface MappingChange {
  /** `mapping.<name>`. */
  address: string;
  type: 'mapping';
  name: string;
  action: ChangeAction;
  reason: string;
  before?: NormalizedIngestion | null;
  after?: NormalizedIngestion | null;
  /** Hash of `after` (of `before` for a delete). */
  hash: string;
  /**
   * The mapping's own attributes; a change of the source or schedule it keeps using is listed under that address
   * instead.
   */
  attributes: AttributeDiff[];
  /** Unified diff of the SQL file when it changed (or was added). */
  sqlDiff?: string;
  dataActions: DataAction[];
  /**
   * Addresses of the source/schedule changes this mapping's recorded config follows. With no
   * attributes of its own the change is not counted or shown apart: apply still records it.
   */
  via?: string[];
}

/** A changed source or schedule that mappings keep using: one change, listing the mappings it affects. */
export interface SharedChange {
  /** `source.<name>` or `schedule.<name>`. */
  address: string;
  type: 'source' | 'schedule';
  name: string;
  action: 'update';
  reason: string;
  before: SourceConfig | ScheduleConfig;
  after: SourceConfig | ScheduleConfig;
  /** Hash of `after`. */
  hash: string;
  /** Paths relative to the source or schedule (e.g. `at`). */
  attributes: AttributeDiff[];
  /** Addresses of the mappings whose recorded config changes with it. */
  affects: string[];
  dataActions: DataAction[];
}

export type ResourceChange = MappingChange | SharedChange;

/** Totals for summary lines. */
export interface PlanSummary {
  add: number;
  change: number;
  remove: number;
  unchanged: number;
  daysToLoad: number;
  daysToDrop: number;
}

/** A whole plan. */
export interface Plan {
  formatVersion: number;
  project: string;
  /** When and against which day it was made (the clock is injected). */
  createdAt: string;
  timeZone: string;
  latestCompleteDay: string;
  /** The state the plan was made against. */
  state: { serial: number; lineage: string | null };
  /** Hash of the project's whole ingestion config when planned. */
  configHash: string;
  options: { targets: string[]; destroyData: boolean };
  changes: ResourceChange[];
  summary: PlanSummary;
}
