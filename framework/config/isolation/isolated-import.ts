/**
 * Imports users' config modules in a worker thread, never in the calling process: a module
 * that loops forever, calls process.exit, exhausts memory or throws becomes a failure on its
 * own file, and the process (the CLI, the agent serving its API) carries on.
 *
 * One worker imports all modules of one project load, one after another; each module has
 * `timeoutMs` from the moment the worker starts it. When a module ends the worker, a new one
 * carries on with the modules after it, so one run still reports every problem.
 */
import { Worker } from 'node:worker_threads';
import { parseDuration } from '../../util/time.js';
import type { ModuleFailure, ModuleRequest, WorkerMessage } from './protocol.js';

export interface IsolationLimits {
  /** Longest time one module may take to import and evaluate. */
  timeoutMs: number;
  /** Heap limit of the worker (V8 old generation), in MB. */
  memoryMb: number;
}

/** Overrides the per-module time limit, e.g. `WHARF_CONFIG_MODULE_TIMEOUT=10s`. */
export const MODULE_TIMEOUT_ENV = 'WHARF_CONFIG_MODULE_TIMEOUT';
export const DEFAULT_LIMITS: IsolationLimits = { timeoutMs: 30_000, memoryMb: 512 };

export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): IsolationLimits {
  const text = env[MODULE_TIMEOUT_ENV];
  return { ...DEFAULT_LIMITS, ...(text ? { timeoutMs: parseDuration(text) } : {}) };
}

export type ModuleOutcome = { value: unknown } | { failure: ModuleFailure };

/** Loading was cancelled (the agent is shutting down): no outcome, nothing to report. */
export class ImportAborted extends Error {
  constructor() {
    super('Loading the config modules was cancelled.');
  }
}

const ENTRY = new URL('./worker-entry.mjs', import.meta.url);

/** Imports every module in order; the outcome of each, by absolute path. */
export async function importIsolated(
  modules: ModuleRequest[],
  limits: IsolationLimits,
  signal?: AbortSignal,
): Promise<Map<string, ModuleOutcome>> {
  const outcomes = new Map<string, ModuleOutcome>();
  let rest = modules;
  while (rest.length > 0) {
    const stoppedAt = await runWorker(rest, limits, outcomes, signal);
    if (stoppedAt === null) break;
    rest = rest.slice(rest.findIndex((m) => m.file === stoppedAt) + 1);
  }
  return outcomes;
}

/**
 * One worker over `modules`. Resolves with null when it handled them all, or with the file it
 * was importing when it had to be stopped (that file's failure is recorded).
 */
function runWorker(
  modules: ModuleRequest[],
  limits: IsolationLimits,
  outcomes: Map<string, ModuleOutcome>,
  signal?: AbortSignal,
): Promise<string | null> {
  const byFile = new Map(modules.map((m) => [m.file, m.absolute]));
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new ImportAborted());
    const worker = new Worker(ENTRY, {
      workerData: modules,
      resourceLimits: { maxOldGenerationSizeMb: limits.memoryMb },
      stdout: false,
      stderr: false,
    });
    let current: string | null = null;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = (result: string | null, failure?: ModuleFailure) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (result !== null && failure) outcomes.set(byFile.get(result)!, { failure });
      void worker.terminate();
      resolve(result);
    };
    const stopCurrent = (failure: ModuleFailure) => {
      // A failure outside any module (the worker could not start) is the first module's.
      finish(current ?? modules[0].file, failure);
    };
    const onAbort = () => {
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      reject(new ImportAborted());
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'begin') {
        current = message.file;
        clearTimeout(timer);
        timer = setTimeout(() => stopCurrent(timedOut(limits.timeoutMs)), limits.timeoutMs);
      } else if (message.type === 'value') {
        outcomes.set(byFile.get(message.file)!, { value: message.value });
      } else if (message.type === 'failed') {
        outcomes.set(byFile.get(message.file)!, { failure: message.failure });
      } else {
        finish(null);
      }
    });
    worker.on('error', (err: Error & { code?: string }) =>
      stopCurrent(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? outOfMemory(limits.memoryMb) : crashed(err)),
    );
    worker.on('exit', (code) => stopCurrent(exited(code)));
  });
}

function timedOut(ms: number): ModuleFailure {
  return {
    code: 'module.timeout',
    summary: `The module did not finish loading within ${ms / 1000} s (it was stopped).`,
    hint: `A config module must only describe config: look for a loop or a wait that never ends. Raise the limit with ${MODULE_TIMEOUT_ENV}=60s if the module is just slow.`,
  };
}

function exited(code: number): ModuleFailure {
  return {
    code: 'module.exited',
    summary: `The module ended the process while loading (process.exit(${code})).`,
    hint: 'A config module must not call process.exit: export the config, or throw an Error to report a problem.',
  };
}

function outOfMemory(mb: number): ModuleFailure {
  return {
    code: 'module.out-of-memory',
    summary: `The module used more than ${mb} MB of memory while loading (it was stopped).`,
    hint: 'A config module must only describe config: look for data that grows without end.',
  };
}

function crashed(err: Error): ModuleFailure {
  return {
    code: 'module.import-failed',
    summary: `The module could not be loaded: ${err.message.split('\n')[0]}`,
    hint: 'Fix the error in the module (an error thrown from a timer or a promise nobody awaited also counts).',
  };
}
