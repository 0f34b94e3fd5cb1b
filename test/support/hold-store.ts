/**
 * Child process for lock tests: opens a project's store the way `ingest apply` does, prints
 * `ready`, holds it for the given milliseconds, then closes it.
 */
import { openProjectStore } from '../../framework/apply/operations.js';
import { loadOrThrow } from './temp-project.js';

const [root, holdMs] = process.argv.slice(2);
const store = await openProjectStore(await loadOrThrow(root), 'hold-test', 0);
console.log('ready');
await new Promise((r) => setTimeout(r, Number(holdMs)));
await store.close();
