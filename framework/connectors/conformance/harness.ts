/**
 * What a backend hands the shared conformance suite. Each connector's test file implements
 * a ConformanceSetup against its real server or its protocol fake; the suite itself never
 * knows which warehouse it talks to.
 */
import type { Connector, LogicalType } from '../types.js';

/** Column types the fixture loader must create natively (e.g. `timestamptz` → TIMESTAMP_TZ). */
export type FixtureType = 'string' | 'integer' | 'double' | 'boolean' | 'date' | 'timestamp' | 'timestamptz' | 'json';

export interface FixtureColumn {
  name: string;
  type: FixtureType;
}

/**
 * A fixture value as the loader receives it: JSON columns as objects/arrays, dates as
 * `YYYY-MM-DD`, timestamps as `Date`, 64-bit integers as `bigint` or `number`.
 */
export type FixtureValue = string | number | bigint | boolean | Date | null | Record<string, unknown> | unknown[];

/** An open backend for one run of the suite. */
export interface ConformanceHarness {
  /** A connector opened with valid credentials against the fixture backend. */
  connector: Connector;
  /**
   * Creates (or replaces) a table with the given columns and rows and returns the SQL text that
   * names it in a FROM clause (e.g. `wharf_values` or `conformance.wharf_values`).
   */
  createTable(name: string, columns: FixtureColumn[], rows: FixtureValue[][]): Promise<string>;
  /**
   * Creates a table of `rowCount` rows generated inside the warehouse (never built in memory):
   * `id` integer 0..rowCount-1, `day` date equal to `day` for every row, `label` string
   * `'row-' || id`. Returns its FROM-clause name.
   */
  createSeries(name: string, rowCount: number, day: string): Promise<string>;
  /**
   * Opens a connector whose credentials the backend rejects. `secret` is the rejected secret
   * value, which must never appear in the resulting error.
   */
  badCredentials(): { open(): Promise<Connector>; secret: string };
  /** Opens a connector pointed at a loopback port where nothing listens. */
  unreachable(): Promise<Connector>;
  /**
   * Value columns whose type the warehouse has no native form for, with the logical type its
   * `describe` reports instead (Synapse has no JSON type: JSON is NVARCHAR text, so `doc`
   * describes as `string`). The values themselves are still checked.
   */
  describedAs?: Partial<Record<string, LogicalType>>;
  /** Fault injection, for backends that declare `faults` in their setup. */
  faults?: {
    /** Makes queries fail with the backend's transient failure (throttling, 503…) until cleared. */
    failTransiently(): void;
    clear(): void;
  };
  close(): Promise<void>;
}

/** How a backend takes part in the suite. */
export interface ConformanceSetup {
  /** `true` when the backend is a local protocol fake rather than the real server. */
  protocolFake: boolean;
  /**
   * Rows for the streaming test. At least 1,000,000 unless `protocolFake` is true, in which case
   * a backend may choose fewer (and its docs must say so).
   */
  streamRows?: number;
  /** The backend supports `harness.faults`. */
  faults: boolean;
  open(): Promise<ConformanceHarness>;
}

/** The rows the suite needs at least, per the connector contract. */
export const MIN_STREAM_ROWS = 1_000_000;
