/** What the rows and columnar stages hand to the outcome stage: a day in an open, uncommitted load. */
import type { DayStats } from '../../connectors/types.js';
import type { DayLoad, LedgerEntry } from '../../store/types.js';
import type { EngineContext } from '../types.js';
import type { RejectTally } from '../reject-tally.js';

export interface StagedDay {
  /** The day's open load, holding its rows and rejects. */
  load: DayLoad;
  /** The day's ledger entry so far, with the load's id. */
  base: LedgerEntry;
  tally: RejectTally;
  rowsRead: number;
  rowsLoaded: number;
  /** The warehouse's count (and fingerprint, when asked for) of the day. */
  stats: DayStats | undefined;
  duplicates: number;
  columnar: boolean;
}

/** Reports a wait for another load of the day as progress. */
export function waiting(ctx: EngineContext, mappingName: string, day: string): (holder: string) => void {
  return (holder) => ctx.onProgress?.({ kind: 'waiting', mapping: mappingName, day, holder });
}
