/**
 * The data-action runner the CLI uses. This is the one place where the ingestion engine is
 * wired into apply; until it is, data actions are refused with a clear error (and
 * `--no-data` still records the config and queues them).
 */
import type { LoadedProject } from '../config/project.js';
import type { StoreConnection } from '../store/types.js';
import { engineUnavailableRunner, type DataActionRunner } from './runner.js';

/** The runner for a project's store. */
export function dataActionRunnerFor(_project: LoadedProject, _connection: StoreConnection): DataActionRunner {
  return engineUnavailableRunner;
}
