/**
 * The signal rule (S3 page): a `finished_date` means every day up to and including it is
 * complete, even days never signalled themselves (the skip-date rule). A finished date
 * earlier than one already seen is ignored.
 */
import type { IsoDate } from '../config/types.js';

export type SignalVerdict =
  | { kind: 'none'; reason: string }
  | { kind: 'advance'; upTo: IsoDate; reason: string }
  | { kind: 'ignore'; date: IsoDate; reason: string };

/** Judges the latest finished date against the last one seen. */
export function judgeSignal(lastSeen: IsoDate | null, latest: IsoDate | null): SignalVerdict {
  if (latest === null) return { kind: 'none', reason: 'the signal dataset has no finished_date yet' };
  if (lastSeen === null) return { kind: 'advance', upTo: latest, reason: `first finished_date seen: ${latest}` };
  if (latest === lastSeen) return { kind: 'none', reason: `finished_date still ${latest}` };
  if (latest < lastSeen) {
    return {
      kind: 'ignore',
      date: latest,
      reason: `finished_date ${latest} is earlier than ${lastSeen}, already seen; ignored`,
    };
  }
  return { kind: 'advance', upTo: latest, reason: `finished_date advanced from ${lastSeen} to ${latest}` };
}
