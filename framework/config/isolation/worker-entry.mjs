// The config-module worker's entry point. It is plain JavaScript because a worker thread starts
// without the parent's loader hooks: it registers tsx first (users' modules are TypeScript),
// then runs the worker: its build (dist/) when there is one beside this file, else its source.
import { existsSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const built = new URL('./worker.js', import.meta.url);
await import(existsSync(built) ? built.href : new URL('./worker.ts', import.meta.url).href);
