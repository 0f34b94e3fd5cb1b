/**
 * Run-time failures. Every error Wharf raises on purpose is a WharfError with a stable code,
 * a class used in the ledger, and whether retrying can help. Anything else is a bug.
 */
import type { WharfErrorCode } from './error-codes.js';

export type ErrorClass = 'config' | 'query' | 'auth' | 'connection' | 'validation' | 'state' | 'internal';

export interface WharfErrorOptions {
  code: WharfErrorCode;
  errorClass: ErrorClass;
  /** Transient errors (timeouts, dropped connections, throttling) are retried with backoff. */
  transient?: boolean;
  hint?: string;
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class WharfError extends Error {
  readonly code: WharfErrorCode;
  readonly errorClass: ErrorClass;
  readonly transient: boolean;
  readonly hint?: string;
  readonly details: Record<string, unknown>;

  constructor(message: string, options: WharfErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WharfError';
    this.code = options.code;
    this.errorClass = options.errorClass;
    this.transient = options.transient ?? false;
    this.hint = options.hint;
    this.details = options.details ?? {};
  }
}

/**
 * A broken internal invariant: a bug in Wharf, not something a user did. Still a WharfError,
 * so every failure carries a code and a class (`internal` in the ledger).
 */
export function internalError(message: string): WharfError {
  return new WharfError(message, {
    code: 'internal',
    errorClass: 'internal',
    hint: 'This is a bug in Wharf: please report it with this message.',
  });
}

export function isTransient(err: unknown): boolean {
  return err instanceof WharfError && err.transient;
}

/** The ledger's error class for any thrown value; unknown errors are internal bugs. */
export function errorClassOf(err: unknown): ErrorClass {
  return err instanceof WharfError ? err.errorClass : 'internal';
}

/** What to do about a failure, when Wharf knows (a WharfError's hint), else undefined. */
export function hintOf(err: unknown): string | undefined {
  return err instanceof WharfError ? err.hint : undefined;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
