/**
 * The outcome stage: the day policy. A staged day commits with its ledger entry, or rolls
 * back when it would replace loaded rows with an empty result (without --allow-empty) or its
 * reject rate is over the mapping's threshold. Also the failed outcome of a day whose load
 * threw, and the DayResult an outcome reports.
 */
import type { LoadedMapping } from '../../config/project.js';
import { errorClassOf, hintOf, messageOf } from '../../diagnostics/errors.js';
import { redactSecrets } from '../../diagnostics/redact.js';
import type { LedgerEntry } from '../../store/types.js';
import { RejectTally } from '../reject-tally.js';
import type { DayResult, EngineContext } from '../types.js';
import type { StagedDay } from './staged-day.js';

/** What became of one day. */
export interface Outcome {
  entry: LedgerEntry;
  tally: RejectTally;
  rowsRead: number;
  duplicates: number;
  committed: boolean;
  columnar?: boolean;
}

export interface FinishDayOptions {
  mapping: LoadedMapping;
  staged: StagedDay;
  /** Accept an empty result for a day that had rows (`--allow-empty`). */
  allowEmpty: boolean;
}

/** Commits or rolls back a staged day. The source fingerprint is kept only for mappings whose rechecks use it. */
export async function finishDay({ mapping, staged, allowEmpty }: FinishDayOptions): Promise<Outcome> {
  const { load, tally, rowsRead, rowsLoaded, stats, duplicates, columnar } = staged;
  const entry: LedgerEntry = {
    ...staged.base,
    rowsLoaded,
    rowsRejected: tally.total,
    rejectReasons: tally.counts,
    duplicates,
    sourceRowCount: stats?.rowCount ?? null,
    sourceFingerprint: mapping.recheck.reloadOnFingerprintChange ? (stats?.fingerprint ?? null) : null,
    status: rowsRead === 0 ? 'no_data' : 'succeeded',
    finishedAt: new Date(),
  };
  const had = load.previous?.status === 'succeeded' ? load.previous.rowsLoaded : 0;
  if (rowsRead === 0 && had > 0 && !allowEmpty) {
    await load.rollback();
    return { entry: emptyDayFailure(mapping, entry, had), tally, rowsRead, duplicates, committed: false, columnar };
  }
  const rate = rowsRead ? tally.total / rowsRead : 0;
  if (rate > mapping.validation.maxRejectRate) {
    await load.rollback();
    return {
      entry: rejectRateFailure(mapping, entry, { rate, tally, rowsRead, duplicates }),
      tally,
      rowsRead,
      duplicates,
      committed: false,
      columnar,
    };
  }
  await load.commit(entry);
  return { entry, tally, rowsRead, duplicates, committed: true, columnar };
}

/** The outcome of a day whose load failed with `err` after all retries. */
export function failedOutcome(base: LedgerEntry, err: unknown, columnar: boolean): Outcome {
  const hint = hintOf(err);
  const entry = {
    ...base,
    status: 'failed' as const,
    errorClass: errorClassOf(err),
    errorMessage: redactSecrets(messageOf(err)),
    errorHint: hint ? redactSecrets(hint) : null,
    finishedAt: new Date(),
  };
  return { entry, tally: new RejectTally(), rowsRead: 0, duplicates: 0, committed: false, columnar };
}

/** Records a day that did not commit: its attempt and its outcome in the ledger. */
export async function recordFailure(ctx: EngineContext, entry: LedgerEntry): Promise<void> {
  await ctx.store.recordAttempt(entry);
  await ctx.store.recordDayOutcome(entry);
}

export function toResult(o: Outcome): DayResult {
  const e = o.entry;
  return {
    mapping: e.ingestion,
    day: e.date,
    status: e.status,
    rowsRead: o.rowsRead,
    rowsLoaded: e.rowsLoaded,
    rowsRejected: e.rowsRejected,
    duplicates: o.duplicates,
    rejectReasons: e.rejectReasons,
    rejectExamples: o.tally.examples,
    sourceRowCount: e.sourceRowCount,
    errorClass: e.errorClass,
    errorMessage: e.errorMessage,
    durationMs: e.finishedAt.getTime() - e.startedAt.getTime(),
    loadId: e.loadId || null,
    path: o.columnar ? 'columnar' : 'rows',
    ...(e.errorHint ? { errorHint: e.errorHint } : {}),
  };
}

/** An empty result never silently replaces a loaded day: the day is kept and the attempt fails. */
function emptyDayFailure(mapping: LoadedMapping, entry: LedgerEntry, had: number): LedgerEntry {
  const message =
    `Mapping '${mapping.config.name}': the query returned no rows for a day that had ${had} rows (${entry.date}); the loaded rows were kept. ` +
    `Check the query in ${mapping.sqlFile} and its source; if the day is really empty now, load it again with --allow-empty.`;
  return validationFailure(entry, message);
}

/**
 * "Rows read" is one number everywhere: the rows the query returned for the day (the result's `rowsRead`, the rate's
 * denominator).
 */
function rejectRateFailure(
  mapping: LoadedMapping,
  entry: LedgerEntry,
  { rate, tally, rowsRead, duplicates }: { rate: number; tally: RejectTally; rowsRead: number; duplicates: number },
): LedgerEntry {
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const dropped = duplicates
    ? `; ${duplicates} duplicate timeuuid row${duplicates === 1 ? ' was' : 's were'} dropped, neither loaded nor rejected`
    : '';
  const message =
    `Mapping '${mapping.config.name}' rejected ${tally.total} of ${rowsRead} rows read on ${entry.date} (${pct(rate)}${dropped}), ` +
    `more than validation.maxRejectRate ${pct(mapping.validation.maxRejectRate)}; the day was not loaded. Rejects: ${tally.describe()}. ` +
    `Fix the query in ${mapping.sqlFile} or the column mapping in ${mapping.file}, or raise validation.maxRejectRate.`;
  return validationFailure(entry, message);
}

/** The day's entry as a validation failure that loaded nothing, with `message` (secrets redacted). */
function validationFailure(entry: LedgerEntry, message: string): LedgerEntry {
  return {
    ...entry,
    status: 'failed',
    errorClass: 'validation',
    errorMessage: redactSecrets(message),
    rowsLoaded: 0,
    finishedAt: new Date(),
  };
}
