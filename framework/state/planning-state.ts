/**
 * Reads what a plan is made from out of a store: the applied state and the loaded days of
 * each applied ingestion.
 */
import type { StoreConnection } from '../store/types.js';
import { ledgerReader, type LoadedDaysReader } from './loaded-days.js';
import { readState } from './store-state.js';
import type { PlanningState } from './types.js';

/** The applied state and loaded-days summaries of a store, as of `now`. */
export async function readPlanningState(
  connection: StoreConnection,
  now: Date,
  reader: LoadedDaysReader = ledgerReader(connection),
): Promise<PlanningState> {
  const state = await readState(connection);
  const all = await reader.summaries(now);
  const loaded: PlanningState['loaded'] = {};
  for (const name of Object.keys(state.ingestions)) if (all[name]) loaded[name] = all[name];
  return { state, loaded };
}
