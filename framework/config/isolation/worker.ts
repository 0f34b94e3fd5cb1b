/**
 * Runs in the worker thread: imports the requested config modules one after another and
 * posts each default export back. One at a time, so that when a module hangs or ends the
 * thread, the loader knows which file it was (the last `begin`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { createJiti } from '../jiti-loader.js';
import { internalError, messageOf } from '../../diagnostics/errors.js';
import { firstNonPlainValue, readPlain } from './plain-data.js';
import type { ModuleRequest, WorkerMessage } from './protocol.js';

const port = parentPort;
if (!port) throw internalError('worker.ts runs only as a worker thread (see isolated-import.ts).');
const post = (message: WorkerMessage) => port.postMessage(message);

const requests = workerData as ModuleRequest[];

// Users' modules are TypeScript. A worker serves one project load, so jiti's module cache (this
// thread's) starts empty each load and a changed file is read anew. Source maps keep the line
// numbers of thrown errors those of the .ts file.
const jiti = createJiti(import.meta.url, {
  fsCache: transformCacheDir(requests),
  sourceMaps: true,
  interopDefault: false,
});

/**
 * Where the transformed modules are kept between loads: under the project's node_modules/.cache,
 * where build tools keep theirs (ignored with node_modules). Transforming a project's modules
 * costs about 0.3 s of CPU per command, most of it loading the transform; a cached module is
 * used only while its file's text is the one it was made from (jiti checks a hash of the text),
 * so a changed file is transformed anew. No node_modules beside the project: no cache, every
 * load transforms (jiti also goes without when the folder is not writable).
 */
function transformCacheDir(modules: ModuleRequest[]): string | false {
  const first = modules[0];
  if (!first) return false;
  const nodeModules = join(first.absolute.slice(0, first.absolute.length - first.file.length), 'node_modules');
  return existsSync(nodeModules) ? join(nodeModules, '.cache', 'wharf-config') : false;
}

async function importOne(request: ModuleRequest): Promise<void> {
  post({ type: 'begin', file: request.file });
  let value: unknown;
  try {
    const mod = (await jiti.import(request.absolute)) as Record<string, unknown>;
    value = mod.default;
  } catch (err) {
    const summary = `The module could not be loaded: ${messageOf(err).split('\n')[0]}`;
    return post({
      type: 'failed',
      file: request.file,
      failure: {
        code: 'module.import-failed',
        summary,
        hint: 'Fix the error in the module; `npx tsc --noEmit` shows type errors with line numbers.',
        error: errorText(err),
      },
    });
  }
  try {
    value = readPlain(value);
  } catch (err) {
    const summary = `Reading the module's exported value failed: ${messageOf(err).split('\n')[0]}`;
    return post({
      type: 'failed',
      file: request.file,
      failure: {
        code: 'module.read-failed',
        summary,
        hint: 'Config values are read once, at load time; replace the getter by a plain value or fix the error it throws.',
        error: errorText(err),
      },
    });
  }
  const nonPlain = firstNonPlainValue(value);
  if (nonPlain) {
    return post({
      type: 'failed',
      file: request.file,
      failure: {
        code: 'module.not-plain-data',
        summary: `The default export holds a ${nonPlain.kind} at ${nonPlain.path}; config values must be plain data.`,
        hint: 'Use strings, numbers, booleans, arrays and objects only (secrets as env(...)).',
      },
    });
  }
  try {
    post({ type: 'value', file: request.file, value });
  } catch (err) {
    post({
      type: 'failed',
      file: request.file,
      failure: {
        code: 'module.not-plain-data',
        summary: `The default export cannot be copied as plain data: ${messageOf(err)}`,
        hint: 'Export a plain object made with the define helpers.',
      },
    });
  }
}

function errorText(err: unknown): { message: string; stack?: string } {
  return { message: messageOf(err), ...(err instanceof Error && err.stack ? { stack: err.stack } : {}) };
}

for (const request of requests) await importOne(request);
post({ type: 'done' });
