/**
 * The state snapshot file, `status/state.json`: the applied state plus each ingestion's
 * loaded-days summary, committed to the repository so `ingest plan --state repo` can plan in
 * a pull request without store or warehouse credentials. It carries no secret values: the
 * state holds only references.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { WharfError } from '../diagnostics/errors.js';
import { canonicalJson } from '../util/canonical-json.js';
import { STATE_FORMAT_VERSION, type AppliedIngestion, type LoadedDaysSummary, type PlanningState } from './types.js';

/** The file's shape. `formatVersion` is that of the state model. */
export interface StateSnapshot {
  formatVersion: number;
  serial: number;
  lineage: string | null;
  /** When the snapshot was written (ISO). */
  exportedAt: string;
  ingestions: Record<string, AppliedIngestion & { loaded: LoadedDaysSummary }>;
}

/** Builds the snapshot of a planning state. */
export function toSnapshot(planning: PlanningState, now: Date): StateSnapshot {
  const ingestions: StateSnapshot['ingestions'] = {};
  for (const [name, ing] of Object.entries(planning.state.ingestions))
    ingestions[name] = { ...ing, loaded: planning.loaded[name] ?? { days: 0, ranges: [], firstLoadedAt: {} } };
  return {
    formatVersion: STATE_FORMAT_VERSION,
    serial: planning.state.serial,
    lineage: planning.state.lineage,
    exportedAt: now.toISOString(),
    ingestions,
  };
}

/** The planning state a snapshot describes. */
export function fromSnapshot(snapshot: StateSnapshot): PlanningState {
  const ingestions: PlanningState['state']['ingestions'] = {};
  const loaded: PlanningState['loaded'] = {};
  for (const [name, { loaded: days, ...ing }] of Object.entries(snapshot.ingestions)) {
    ingestions[name] = ing;
    if (days.days > 0) loaded[name] = days;
  }
  return {
    state: { formatVersion: snapshot.formatVersion, serial: snapshot.serial, lineage: snapshot.lineage, ingestions },
    loaded,
  };
}

/** The file's text: canonical JSON, two-space indented, with a trailing newline (stable diffs in Git). */
export function serializeSnapshot(snapshot: StateSnapshot): string {
  return `${canonicalJson(snapshot, 2)}\n`;
}

/** Parses and checks a snapshot file's text; `file` names it in errors. */
export function parseSnapshot(text: string, file: string): StateSnapshot {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw invalid(file, `it is not valid JSON (${(err as Error).message})`);
  }
  const s = value as Partial<StateSnapshot>;
  if (!s || typeof s !== 'object' || typeof s.formatVersion !== 'number')
    throw invalid(file, 'formatVersion is missing');
  if (s.formatVersion > STATE_FORMAT_VERSION)
    throw invalid(
      file,
      `formatVersion ${s.formatVersion} is newer than this Wharf understands (${STATE_FORMAT_VERSION}); upgrade @wharf/framework`,
    );
  if (typeof s.serial !== 'number' || !s.ingestions || typeof s.ingestions !== 'object')
    throw invalid(file, 'serial or ingestions is missing');
  if (s.lineage !== null && typeof s.lineage !== 'string') throw invalid(file, 'lineage must be a string or null');
  for (const [name, ing] of Object.entries(s.ingestions)) {
    if (!ing?.config || typeof ing.hash !== 'string' || !ing.loaded || !Array.isArray(ing.loaded.ranges))
      throw invalid(file, `ingestions.${name} lacks config, hash or loaded`);
  }
  return s as StateSnapshot;
}

function invalid(file: string, why: string): WharfError {
  return new WharfError(`The state snapshot ${file} is not usable: ${why}.`, {
    code: 'state.snapshot-invalid',
    errorClass: 'state',
    hint: 'Write it again with `ingest state export`.',
  });
}

/** Reads a snapshot file. */
export function readSnapshotFile(path: string, displayName: string): StateSnapshot {
  if (!existsSync(path)) {
    throw new WharfError(`No state snapshot at ${displayName}.`, {
      code: 'state.snapshot-missing',
      errorClass: 'state',
      hint: 'Run `ingest state export` where the store is reachable (the agent does it after each apply) and commit the file.',
    });
  }
  return parseSnapshot(readFileSync(path, 'utf8'), displayName);
}

/** Writes a snapshot file, creating its folder. */
export function writeSnapshotFile(path: string, snapshot: StateSnapshot): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, serializeSnapshot(snapshot));
}
