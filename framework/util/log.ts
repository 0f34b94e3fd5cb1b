/**
 * Structured logging for long-running processes (the agent). One JSON object per line by
 * default, so log shippers can index the fields; a readable one-line form on a terminal.
 * Every line passes through redactSecrets, so a secret that reaches a message or a field is
 * written as `***`.
 */
import { redactSecrets } from '../diagnostics/redact.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

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

/** A logger writing one line per call, every line redacted. */
export function createLogger(options: LoggerOptions = {}, base: LogFields = {}): Logger {
  const min = LEVELS[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const format = options.format ?? 'json';
  const now = options.now ?? (() => new Date());
  const emit = (level: LogLevel, message: string, fields: LogFields = {}) => {
    if (LEVELS[level] < min) return;
    const record = { time: now().toISOString(), level, msg: message, ...base, ...fields };
    write(redactSecrets(format === 'json' ? safeJson(record) : pretty(record)) + '\n');
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger(options, { ...base, ...fields }),
  };
}

/** JSON on a pipe, readable lines on a terminal (what an operator watching it expects). */
export function defaultLogFormat(stream: { isTTY?: boolean } = process.stderr): 'json' | 'pretty' {
  return stream.isTTY ? 'pretty' : 'json';
}

/** A logger that drops everything (library use and tests that do not look at logs). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silentLogger };

function safeJson(record: LogFields): string {
  return JSON.stringify(record, (_key, value) => (value instanceof Error ? { message: value.message, name: value.name } : typeof value === 'bigint' ? String(value) : value));
}

function pretty(record: LogFields): string {
  const { time, level, msg, ...rest } = record;
  const extras = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : safeJson({ v }).slice(5, -1)}`);
  return [String(time).slice(11, 19), String(level).toUpperCase().padEnd(5), msg, ...extras].join(' ');
}
