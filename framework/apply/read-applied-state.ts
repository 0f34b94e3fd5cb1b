/** Reads the applied state alone (for `ingest state list/show`), from the store or the repository snapshot. */
import type { LoadedProject } from '../config/project.js';
import { fromSnapshot, readSnapshotFile } from '../state/snapshot.js';
import { readState } from '../state/store-state.js';
import type { AppliedState } from '../state/types.js';
import { openProjectStore, snapshotPath, type StateSource } from './operations.js';

export async function readAppliedState(
  project: LoadedProject,
  source: StateSource,
  lockTimeoutMs: number,
  operation: string,
): Promise<AppliedState> {
  if (source === 'repo') {
    const path = snapshotPath(project);
    return fromSnapshot(readSnapshotFile(path.absolute, path.relative)).state;
  }
  const connection = await openProjectStore(project, operation, lockTimeoutMs);
  try {
    return await readState(connection);
  } finally {
    await connection.close();
  }
}
