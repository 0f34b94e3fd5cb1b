/**
 * Structured logging for long-running processes (the agent), on pino. One JSON object per
 * line by default, so log shippers can index the fields; a readable one-line form on a
 * terminal. What libraries print themselves is routed here too (library-warnings.ts).
 * Every line passes through redactSecrets, so a secret that reaches a message or a field is
 * written as `***`.
 */
import { pino, type Logger as PinoLogger } from 'pino';
import { redactSecrets } from '../diagnostics/redact.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Extra fields of a log line; values must be JSON-serializable. */
export type LogFields = Record<string, unknown>;

/** What the agent's parts log through; `child` adds fields (e.g. the component) to every line. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  /** Lowest level written. Default `info`. */
  level?: LogLevel;
  /** `json` (default) or `pretty` (one readable line; chosen for a terminal). */
  format?: 'json' | 'pretty';
  /** Where lines go; default stderr. */
  write?: (line: string) => void;
  /** Clock for the `time` field. */
  now?: () => Date;
}

/**
 * A logger writing one line per call, every line redacted. Built on pino (levels, child
 * bindings, fast JSON): its lines go synchronously to `write`, through redactSecrets, as
 * they are or (format `pretty`) as one readable line.
 */
export function createLogger(options: LoggerOptions = {}, base: LogFields = {}): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const format = options.format ?? 'json';
  const now = options.now ?? (() => new Date());
  const destination = {
    write: (line: string) =>
      write(redactSecrets(format === 'json' ? line : `${pretty(JSON.parse(line) as LogFields)}\n`)),
  };
  const root = pino(
    {
      level: options.level ?? 'info',
      base: null,
      timestamp: () => `,"time":"${now().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  return wrap(Object.keys(base).length ? root.child(plain(base)) : root);
}

function wrap(p: PinoLogger): Logger {
  return {
    debug: (m, f) => p.debug(plain(f), m),
    info: (m, f) => p.info(plain(f), m),
    warn: (m, f) => p.warn(plain(f), m),
    error: (m, f) => p.error(plain(f), m),
    child: (fields) => wrap(p.child(plain(fields))),
  };
}

/** JSON on a pipe, readable lines on a terminal (what an operator watching it expects). */
export function defaultLogFormat(stream: { isTTY?: boolean } = process.stderr): 'json' | 'pretty' {
  return stream.isTTY ? 'pretty' : 'json';
}

/** A logger that drops everything (library use and tests that do not look at logs). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silentLogger };

const jsonSafe = (_key: string, value: unknown) =>
  value instanceof Error
    ? { message: value.message, name: value.name }
    : typeof value === 'bigint'
      ? String(value)
      : value;

function safeJson(record: LogFields): string {
  return JSON.stringify(record, jsonSafe);
}

/** Fields as JSON data: Errors as their name and message (not `{}`), bigints as text. */
function plain(fields: LogFields = {}): LogFields {
  const simple = Object.values(fields).every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v));
  return simple ? fields : (JSON.parse(safeJson(fields)) as LogFields);
}

function pretty(record: LogFields): string {
  const { time, level, msg, ...rest } = record;
  const extras = Object.entries(rest).map(
    ([k, v]) => `${k}=${typeof v === 'string' ? v : safeJson({ v }).slice(5, -1)}`,
  );
  return [String(time).slice(11, 19), String(level).toUpperCase().padEnd(5), msg, ...extras].join(' ');
}
