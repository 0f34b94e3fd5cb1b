/**
 * What the HTTP API asks of the rest of the agent. The handlers only parse, authenticate and
 * answer; everything they trigger goes through this interface, so the server is tested with
 * a real HTTP client against the real server and the agent wires in the scheduler.
 */
import type { Dataset, IsoDate } from '../../config/types.js';

/** A parsed mark-data-ready request: the days, and a dataset type or one mapping. */
export interface MarkDataReadyInput {
  dates: IsoDate[];
  type?: Dataset;
  mapping?: string;
}

export type MarkDataReadyAnswer =
  | { accepted: true; queued: { mapping: string; day: IsoDate }[] }
  /** Refused by the rate limit: the earliest time a new request for the same key is accepted. */
  | { accepted: false; retryAfter: Date; key: string };

export interface BackfillInput {
  mapping: string;
  from: IsoDate;
  to: IsoDate;
}

/** The agent behind the API. Throwing a WharfError of class `config` answers 400 with its message. */
export interface AgentApiBackend {
  markDataReady(input: MarkDataReadyInput, requestId: string): Promise<MarkDataReadyAnswer>;
  backfill(input: BackfillInput, requestId: string): Promise<{ queued: { mapping: string; day: IsoDate }[] }>;
  /** Drops the queued (not yet running) days of a mapping in the range. */
  cancelBackfill(input: BackfillInput, requestId: string): Promise<{ cancelled: { mapping: string; day: IsoDate }[] }>;
  /** JSON-serializable status per ingestion and day. */
  status(): Promise<unknown>;
  /** Prometheus text exposition. */
  metrics(): Promise<string>;
  /** Liveness details; `ok: false` answers 503. */
  health(): Promise<{ ok: boolean; [key: string]: unknown }>;
  /** A verified push webhook arrived: fetch the repository now. */
  gitPushed(ref: string | null): void;
}
