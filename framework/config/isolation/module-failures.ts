/**
 * What the loader reports on a module whose worker had to be stopped while importing it: the
 * module's own failure, a diagnostic on its file.
 */
import type { ModuleFailure } from './protocol.js';

/** Overrides the per-module time limit, e.g. `WHARF_CONFIG_MODULE_TIMEOUT=10s`. */
export const MODULE_TIMEOUT_ENV = 'WHARF_CONFIG_MODULE_TIMEOUT';

export function timedOut(ms: number): ModuleFailure {
  return {
    code: 'module.timeout',
    summary: `The module did not finish loading within ${ms / 1000} s (it was stopped).`,
    hint: `A config module must only describe config: look for a loop or a wait that never ends. Raise the limit with ${MODULE_TIMEOUT_ENV}=60s if the module is just slow.`,
  };
}

export function exited(code: number): ModuleFailure {
  return {
    code: 'module.exited',
    summary: `The module ended the process while loading (process.exit(${code})).`,
    hint: 'A config module must not call process.exit: export the config, or throw an Error to report a problem.',
  };
}

export function outOfMemory(mb: number): ModuleFailure {
  return {
    code: 'module.out-of-memory',
    summary: `The module used more than ${mb} MB of memory while loading (it was stopped).`,
    hint: 'A config module must only describe config: look for data that grows without end.',
  };
}

export function crashed(err: Error): ModuleFailure {
  return {
    code: 'module.import-failed',
    summary: `The module could not be loaded: ${err.message.split('\n')[0]}`,
    hint: 'Fix the error in the module (an error thrown from a timer or a promise nobody awaited also counts).',
  };
}
