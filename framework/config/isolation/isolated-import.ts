/**
 * Imports users' config modules in a worker thread, never in the calling process: a module
 * that loops forever, calls process.exit, exhausts memory or throws becomes a failure on its
 * own file, and the process (the CLI, the agent serving its API) carries on.
 *
 * One worker imports all modules of one project load, one after another; each module has
 * `timeoutMs` from the moment the worker starts it. When a module ends the worker, a new one
 * carries on with the modules after it, so one run still reports every problem.
 *
 * Every moment of a worker's life is under a limit: from its spawn to its first message (its
 * start-up, where no module runs yet) `startMs`, then each module's `timeoutMs` from its
 * `begin` until the next `begin` or `done`. A worker that fails before its first message fails
 * the whole load with a transient error (start-failure.ts), never a module's diagnostic.
 *
 * The start-up limit exists because a worker was seen, rarely and only on a heavily loaded
 * machine, never to send its first message: alive, idle in its event loop, no module begun,
 * in the second load of a commit (just after the previous worker was told to terminate). Its
 * cause is not known: it did not reproduce in 60 agent runs nor in 1,194 workers of
 * back-to-back loads (1,139 of them spawned while the previous one was still terminating) at a
 * load average of 9-15. So nothing here waits for the previous worker's exit; the limit only
 * guarantees that nobody waits for such a worker forever.
 */
import { Worker } from 'node:worker_threads';
import { WharfError } from '../../diagnostics/errors.js';
import { parseDuration } from '../../util/time.js';
import { crashed, exited, MODULE_TIMEOUT_ENV, outOfMemory, timedOut } from './module-failures.js';
import type { ModuleFailure, ModuleRequest, WorkerMessage } from './protocol.js';
import { START_TIMEOUT_ENV, startFailed, startTimedOut } from './start-failure.js';

export interface IsolationLimits {
  /** Longest time one module may take to import and evaluate. */
  timeoutMs: number;
  /** Heap limit of the worker (V8 old generation), in MB. */
  memoryMb: number;
  /** Longest time from a worker's spawn to its first message, before any module loads. */
  startMs: number;
}

export const DEFAULT_LIMITS: IsolationLimits = { timeoutMs: 30_000, memoryMb: 512, startMs: 30_000 };

/** The limits, with `WHARF_CONFIG_MODULE_TIMEOUT` and `WHARF_CONFIG_LOADER_START_TIMEOUT` applied. */
export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): IsolationLimits {
  return {
    ...DEFAULT_LIMITS,
    timeoutMs: durationFromEnv(env, MODULE_TIMEOUT_ENV) ?? DEFAULT_LIMITS.timeoutMs,
    startMs: durationFromEnv(env, START_TIMEOUT_ENV) ?? DEFAULT_LIMITS.startMs,
  };
}

/** A limit set in the environment, in ms; an error naming the variable when it is not a duration above zero. */
function durationFromEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name];
  if (!text) return undefined;
  const ms = /^\d+(s|m|h)$/.test(text) ? parseDuration(text) : 0;
  if (ms > 0) return ms;
  throw new WharfError(`${name}=${text} is not a time limit.`, {
    code: 'duration.invalid',
    errorClass: 'config',
    hint: `Set ${name} to a duration above zero in seconds, minutes or hours, e.g. 60s or 2m, or unset it.`,
  });
}

export type ModuleOutcome = { value: unknown } | { failure: ModuleFailure };

/** Loading was cancelled (the agent is shutting down): no outcome, nothing to report. */
export class ImportAborted extends Error {
  constructor() {
    super('Loading the config modules was cancelled.');
  }
}

export interface ImportOptions {
  /** Cancels the load: it then rejects with ImportAborted. */
  signal?: AbortSignal;
  /** The worker's entry module (tests give one that never reports, to exercise the start-up limit). */
  entry?: URL;
}

const ENTRY = new URL('./worker-entry.mjs', import.meta.url);

/**
 * Imports every module in order; the outcome of each, by absolute path. Rejects with a
 * transient WharfError when a worker does not start (see start-failure.ts).
 */
export async function importIsolated(
  modules: ModuleRequest[],
  limits: IsolationLimits,
  options: ImportOptions = {},
): Promise<Map<string, ModuleOutcome>> {
  const outcomes = new Map<string, ModuleOutcome>();
  let rest = modules;
  while (rest.length > 0) {
    const stoppedAt = await runWorker(rest, limits, outcomes, options);
    if (stoppedAt === null) break;
    rest = rest.slice(rest.findIndex((m) => m.file === stoppedAt) + 1);
  }
  return outcomes;
}

/** How one worker's run ended: every module handled (null), or stopped on a module with its failure. */
type RunEnd = { stoppedAt: null } | { stoppedAt: string; failure: ModuleFailure } | { error: Error };

/**
 * One worker over `modules`. Resolves with null when it handled them all, or with the file it
 * was importing when it had to be stopped (that file's failure is recorded).
 */
function runWorker(
  modules: ModuleRequest[],
  limits: IsolationLimits,
  outcomes: Map<string, ModuleOutcome>,
  { signal, entry = ENTRY }: ImportOptions,
): Promise<string | null> {
  const byFile = new Map(modules.map((m) => [m.file, m.absolute]));
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new ImportAborted());
    const worker = new Worker(entry, {
      workerData: modules,
      resourceLimits: { maxOldGenerationSizeMb: limits.memoryMb },
      stdout: false,
      stderr: false,
    });
    /** The module being imported: null until the worker's first message (its start-up). */
    let current: string | null = null;
    let timer = setTimeout(() => end({ error: startTimedOut(limits.startMs) }), limits.startMs);
    let settled = false;
    const end = (how: RunEnd) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      if ('error' in how) return reject(how.error);
      if (how.stoppedAt !== null) outcomes.set(byFile.get(how.stoppedAt)!, { failure: how.failure });
      resolve(how.stoppedAt);
    };
    const onAbort = () => end({ error: new ImportAborted() });
    signal?.addEventListener('abort', onAbort, { once: true });
    // A failure before the first message is the worker's own, never a module's.
    const stop = (failure: ModuleFailure, beforeStart: string) =>
      end(current === null ? { error: startFailed(beforeStart) } : { stoppedAt: current, failure });

    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'begin') {
        const file = (current = message.file);
        clearTimeout(timer);
        timer = setTimeout(() => end({ stoppedAt: file, failure: timedOut(limits.timeoutMs) }), limits.timeoutMs);
      } else if (message.type === 'value') {
        outcomes.set(byFile.get(message.file)!, { value: message.value });
      } else if (message.type === 'failed') {
        outcomes.set(byFile.get(message.file)!, { failure: message.failure });
      } else {
        end({ stoppedAt: null });
      }
    });
    worker.on('error', (err: Error & { code?: string }) =>
      err.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? stop(outOfMemory(limits.memoryMb), `it ran out of its ${limits.memoryMb} MB of memory.`)
        : stop(crashed(err), err.message.split('\n')[0]),
    );
    worker.on('exit', (code) => stop(exited(code), `the thread ended (exit code ${code}).`));
  });
}
