/**
 * The config-module worker thread failed before it reported anything: no module of the project
 * had started loading, so this is never the project's fault, and the load fails as a whole with
 * a transient WharfError (the agent tries again on its next fetch) instead of a diagnostic that
 * would make a valid commit look invalid.
 */
import { WharfError } from '../../diagnostics/errors.js';

/** Overrides the worker's start-up limit, e.g. `WHARF_CONFIG_LOADER_START_TIMEOUT=120s`. */
export const START_TIMEOUT_ENV = 'WHARF_CONFIG_LOADER_START_TIMEOUT';

const NOT_THE_MODULES = "No config module had started loading, so this says nothing about the project's modules";

/** The worker sent no message within `ms` of its spawn (it was stopped). */
export function startTimedOut(ms: number): WharfError {
  return new WharfError(
    `The config loader thread did not start within ${ms / 1000} s (it was stopped before loading any config module).`,
    {
      code: 'config.loader-start-timeout',
      errorClass: 'state',
      transient: true,
      hint: `${NOT_THE_MODULES}: run the command again (the agent tries again on its next fetch). If it keeps happening, the machine may be overloaded; ${START_TIMEOUT_ENV}=120s raises the limit.`,
      details: { limitMs: ms },
    },
  );
}

/** The worker ended or failed before its first message: `why` says how. */
export function startFailed(why: string): WharfError {
  return new WharfError(`The config loader thread failed while starting, before loading any config module: ${why}`, {
    code: 'config.loader-start-failed',
    errorClass: 'state',
    transient: true,
    hint: `${NOT_THE_MODULES}: run the command again (the agent tries again on its next fetch). If it keeps happening, check that the Wharf installation is complete (reinstall it).`,
  });
}
