/**
 * An in-memory source with fault injection, for engine and agent tests: the rows of a table
 * held in memory, filtered by the same DayFilter rules SQL connectors apply, with knobs to
 * fail after N rows, fail transiently a number of times, and add latency per batch.
 */
import { WharfError } from '../../diagnostics/errors.js';
import type {
  ColumnInfo,
  Connector,
  ConnectorCapabilities,
  DayFilter,
  DayStats,
  LogicalType,
  QuerySpec,
  Row,
  StreamOptions,
} from '../types.js';

export interface FaultOptions {
  /** Throw after this many rows of a streamDay call have been yielded. */
  failAfterRows?: number;
  /** How many streamDay calls fail (default: all of them, while failAfterRows is set). */
  failures?: number;
  /** Whether injected failures are transient (retried) or terminal. */
  transient?: boolean;
  /** Delay before each batch. */
  latencyMs?: number;
}

export interface FakeSourceOptions extends FaultOptions {
  name?: string;
  columns: ColumnInfo[];
  rows: Row[];
}

export const FAKE_CAPABILITIES: ConnectorCapabilities = { fingerprint: false, signals: 'none' };

function inDay(value: Row[string], type: LogicalType, f: DayFilter): boolean {
  if (value === null) return false;
  const [from, to] = [f.fromUtc.getTime(), f.toUtc.getTime()];
  if (type === 'string' && f.textAs === 'instant') {
    const text = String(value).trim();
    const ms = Date.parse(
      /([Zz]|[+-]\d{2}(:?\d{2})?)$/.test(text) ? text.replace(' ', 'T') : `${text.replace(' ', 'T')}Z`,
    );
    return ms >= from && ms < to;
  }
  if (type === 'date' || type === 'string') return String(value).slice(0, 10) === f.day;
  if (value instanceof Date) return value.getTime() >= from && value.getTime() < to;
  const n = Number(value);
  return (n * 1000 >= from && n * 1000 < to) || (n >= from && n < to);
}

export class FakeConnector implements Connector {
  readonly kind = 'fake';
  readonly capabilities = FAKE_CAPABILITIES;
  readonly sourceName: string;
  /** streamDay calls so far, for tests. */
  streams = 0;
  private failuresLeft: number;

  constructor(private readonly options: FakeSourceOptions) {
    this.sourceName = options.name ?? 'fake';
    this.failuresLeft = options.failures ?? Infinity;
  }

  /** Replaces the source's rows (the warehouse's data changed). */
  setRows(rows: Row[]): void {
    this.options.rows = rows;
  }

  /** Changes the fault knobs between loads. */
  setFaults(faults: FaultOptions): void {
    Object.assign(this.options, { failAfterRows: undefined, transient: undefined, latencyMs: undefined }, faults);
    this.failuresLeft = faults.failures ?? Infinity;
  }

  async describe(): Promise<ColumnInfo[]> {
    return this.options.columns;
  }

  private dayRows(filter: DayFilter): Row[] {
    const type = this.options.columns.find((c) => c.name === filter.column)?.type ?? 'string';
    return this.options.rows.filter((r) => inDay(r[filter.column] ?? null, type, filter));
  }

  async *streamDay(query: QuerySpec, filter: DayFilter, options: StreamOptions): AsyncIterable<Row[]> {
    this.streams++;
    const rows = this.dayRows(filter);
    const failAt =
      this.options.failAfterRows !== undefined && this.failuresLeft > 0 ? this.options.failAfterRows : Infinity;
    if (failAt !== Infinity) this.failuresLeft--;
    let sent = 0;
    for (let i = 0; i < rows.length || sent >= failAt; i += options.batchSize) {
      if (this.options.latencyMs) await new Promise((r) => setTimeout(r, this.options.latencyMs));
      const batch = rows.slice(i, Math.min(i + options.batchSize, i + Math.max(0, failAt - sent)));
      if (batch.length) {
        sent += batch.length;
        yield batch;
      }
      if (sent >= failAt) throw this.fault(query, sent);
    }
  }

  private fault(query: QuerySpec, sent: number): WharfError {
    const transient = this.options.transient ?? false;
    return new WharfError(
      `Source '${this.sourceName}' (fake), mapping '${query.mapping}': injected ${transient ? 'transient ' : ''}failure after ${sent} rows`,
      {
        code: 'fake.injected',
        errorClass: transient ? 'connection' : 'query',
        transient,
      },
    );
  }

  async sample(_query: QuerySpec, limit: number): Promise<Row[]> {
    return this.options.rows.slice(0, limit);
  }

  async dayStats(_query: QuerySpec, filters: DayFilter[]): Promise<DayStats[]> {
    return filters.map((f) => ({ day: f.day, rowCount: this.dayRows(f).length, fingerprint: null }));
  }

  async hasData(_query: QuerySpec, filter: DayFilter): Promise<boolean> {
    return this.dayRows(filter).length > 0;
  }

  async close(): Promise<void> {}
}
