/** A ledger entry of a day that loaded, for tests that commit days or write ledger rows. */
import type { LedgerEntry } from '../../framework/store/types.js';

export function succeededEntry(
  over: Partial<LedgerEntry> & Pick<LedgerEntry, 'ingestion' | 'date' | 'loadId'>,
): LedgerEntry {
  const at = new Date('2026-10-02T10:00:00.000Z');
  return {
    status: 'succeeded',
    errorClass: null,
    errorMessage: null,
    errorHint: null,
    rowsLoaded: 0,
    rowsRejected: 0,
    rejectReasons: {},
    duplicates: 0,
    sourceRowCount: null,
    sourceFingerprint: null,
    configHash: 'h',
    commitSha: null,
    trigger: 'manual',
    startedAt: at,
    finishedAt: at,
    firstLoadedAt: null,
    ...over,
  };
}
