/**
 * Routes what libraries print on their own into a Logger, so a long-running process that logs
 * JSON lines keeps one JSON object per line: Node process warnings (`process.emitWarning`,
 * which Node would print as plain text) and `console.*` calls made by dependencies (e.g. a
 * simple-git `SIMPLE_GIT_...` warning). Returns a function that restores the previous
 * behaviour.
 */
import { format } from 'node:util';
import type { Logger } from './log.js';

type ConsoleMethod = 'log' | 'info' | 'warn' | 'error' | 'debug';
const LEVEL: Record<ConsoleMethod, 'info' | 'warn' | 'error' | 'debug'> = {
  log: 'info',
  info: 'info',
  warn: 'warn',
  error: 'error',
  debug: 'debug',
};

export function routeLibraryWarnings(log: Logger): () => void {
  // Node prints warnings through its own 'warning' listener; replace it rather than add to it.
  const previous = process.listeners('warning');
  process.removeAllListeners('warning');
  const onWarning = (w: Error & { code?: string }) =>
    log.warn(w.message, { source: 'process.emitWarning', warning: w.name, ...(w.code ? { code: w.code } : {}) });
  process.on('warning', onWarning);
  const saved = new Map<ConsoleMethod, (...args: unknown[]) => void>();
  for (const method of Object.keys(LEVEL) as ConsoleMethod[]) {
    saved.set(method, console[method]);
    console[method] = (...args: unknown[]) =>
      log[LEVEL[method]](format(...args), { source: `console.${method}`, ...codeOf(args) });
  }
  return () => {
    process.off('warning', onWarning);
    for (const l of previous) process.on('warning', l);
    for (const [method, fn] of saved) console[method] = fn;
  };
}

/** A leading `SOME_CODE` word (as simple-git's warnings start) as a field log shippers can filter on. */
function codeOf(args: unknown[]): { code?: string } {
  const m = typeof args[0] === 'string' ? /^([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b/.exec(args[0]) : null;
  return m ? { code: m[1] } : {};
}
