/**
 * The query timeout every source query runs under (a mapping's `queryTimeout`, else the
 * project's, else 30 minutes), and the error when it fires: the connectors cancel the query
 * in the warehouse (PostgreSQL/Redshift `statement_timeout`, DuckDB's interrupt, Snowflake's
 * and BigQuery's statement and job timeouts) and report it with this error.
 */
import { WharfError } from '../../diagnostics/errors.js';
import type { QuerySpec } from '../types.js';

/** The default: long enough for a month's export of a large table, short enough to free a stuck load. */
export const DEFAULT_QUERY_TIMEOUT_MS = 30 * 60_000;

export function timeoutOf(query: QuerySpec | undefined): number {
  return query?.timeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
}

/** `90000` → `1.5m`, for messages. */
function shownMs(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

export function queryTimeoutError(source: string, query: QuerySpec | undefined, cause?: unknown): WharfError {
  const ms = timeoutOf(query);
  const what = query ? `The query of mapping '${query.mapping}' (${query.sqlFile})` : `A query on source '${source}'`;
  return new WharfError(
    `${what} ran longer than its queryTimeout (${shownMs(ms)}) and was cancelled in the warehouse.`,
    {
      code: 'query.timeout',
      errorClass: 'query',
      cause,
      hint: 'Make the query faster, or raise `queryTimeout` on the mapping (or the project) if it really needs longer.',
    },
  );
}

/**
 * A statement's timeout joined to the caller's stop signal: `signal` aborts when either does,
 * and `timedOut` tells which. (Hand-joined rather than AbortSignal.any, which Node 20.0-20.2
 * lack.)
 */
export class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly onStop: () => void;
  timedOut = false;

  constructor(
    ms: number,
    private readonly stop?: AbortSignal,
  ) {
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new Error(`the query ran longer than ${ms} ms`));
    }, ms);
    this.timer.unref();
    this.onStop = () => this.controller.abort(stop?.reason);
    if (stop?.aborted) this.onStop();
    else stop?.addEventListener('abort', this.onStop, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  clear(): void {
    clearTimeout(this.timer);
    this.stop?.removeEventListener('abort', this.onStop);
  }
}
