/**
 * Runs one stage of a day's pipeline and names the stage in its failure. The wrapped error
 * keeps the original's message, code, class, transience and hint (retries, the ledger and
 * the CLI read those), adds `stage`, and keeps the original as `cause`.
 */
import { WharfError } from '../../diagnostics/errors.js';

/** The stages of a day's load, in order (see ingest-day.ts). */
export type DayStage = 'plan' | 'rows' | 'columnar' | 'outcome';

export class DayStageError extends WharfError {
  constructor(
    readonly stage: DayStage,
    original: unknown,
  ) {
    const wharf = original instanceof WharfError ? original : undefined;
    super(original instanceof Error ? original.message : String(original), {
      code: wharf?.code ?? 'internal',
      errorClass: wharf?.errorClass ?? 'internal',
      transient: wharf?.transient ?? false,
      hint: wharf?.hint,
      details: { ...wharf?.details, stage },
      cause: original,
    });
    this.name = 'DayStageError';
  }
}

/** `fn`'s result, or its failure wrapped with the stage name (once: an inner stage's name wins). */
export async function inStage<T>(stage: DayStage, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw err instanceof DayStageError ? err : new DayStageError(stage, err);
  }
}
