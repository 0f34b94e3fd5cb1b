/**
 * What the Snowflake export's thread (export-worker.ts) and the connector (export-thread.ts)
 * send each other. For each export it is given, the thread logs in with its own session, runs
 * the export's statement and sends the rows as COPY text lines, a batch at a time, its buffers
 * transferred (not copied), then closes the session and says it is idle.
 */
import type { ErrorClass } from '../../diagnostics/errors.js';
import type { WharfErrorCode } from '../../diagnostics/error-codes.js';
import type { DayFilter } from '../types.js';
import type { FieldKind } from './field-text.js';

/** One export, as the thread is given it. `connection` holds the source's credentials: never log it. */
export interface ExportJob {
  /** snowflake-sdk's createConnection options (options.ts). */
  connection: Record<string, unknown>;
  /** Statements run once the session is open, before the export's. */
  setup: string[];
  sqlText: string;
  /** The statement's session parameters (its timeout). */
  parameters: Record<string, number>;
  fetchAsString: string[];
  /** Per exported column, how its value is written. */
  kinds: FieldKind[];
  filters: DayFilter[];
  /** Per day index, the day's fingerprint token for its first row; null: no fingerprint column. */
  tokens: (string | null)[] | null;
  mapping: string;
}

/** A failure in the thread, as the connector rebuilds it. */
export type ThreadFailure =
  | { kind: 'wharf'; message: string; code: WharfErrorCode; errorClass: ErrorClass; transient: boolean; hint?: string }
  /** A snowflake-sdk error's fields its classification (errors.ts) reads. */
  | {
      kind: 'sdk';
      name?: string;
      code?: string | number;
      sqlState?: string;
      message: string;
      status?: number;
      causeCode?: string;
    };

export type ThreadMessage =
  /** Lines `[ends[i-1], ends[i])` of `buf` (newline included) belong to day `days[i]`. */
  | { type: 'rows'; buf: ArrayBuffer; days: Uint32Array; ends: Uint32Array }
  | { type: 'end' }
  /** After `end`: the export's session is closed, and the thread waits for another export. */
  | { type: 'idle' }
  | { type: 'failed'; failure: ThreadFailure };

export type ConnectorMessage =
  /** Run this export (the thread runs one at a time). */
  | { type: 'job'; job: ExportJob }
  /** A batch was handed to the store: the thread may send one more. */
  | { type: 'ack' }
  /** Stop: cancel the statement, close the session, end the thread. */
  | { type: 'cancel' };
