// The config-module worker's entry point. It is plain JavaScript because a worker thread starts
// without the parent's loader hooks: it registers tsx first, then runs the worker in TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
